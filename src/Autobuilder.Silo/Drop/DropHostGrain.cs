using Autobuilder.Grains;
using Autobuilder.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Silo.Drop;

/// <summary>The drop host's door for the garage's directory: placed on the silo of the host in its key, which must be a drop silo.</summary>
[HostPlacement]
public sealed class DropHostGrain(IServiceProvider services) : Grain, IDropHostGrain
{
    public Task<string> PublishAsync(DropAccess access)
    {
        var host = services.GetService<DropHostService>()
            ?? throw new InvalidOperationException($"the silo of host '{this.GetPrimaryKeyString()}' is not a drop silo (Autobuilder:Role \"drop\")");
        return host.ApplyAsync(access, CancellationToken.None);
    }
}
