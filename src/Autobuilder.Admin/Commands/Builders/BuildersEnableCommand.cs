using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary>
/// <c>autobuilder builders enable SLOT</c>: undoes a drain or an operator hold and clears the
/// failure count. A slot whose host does not answer stays Offline until it does.
/// </summary>
public sealed class BuildersEnableCommand : AsyncCommand<SlotSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SlotSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        await KnownSlots.RequireAsync(cluster, settings.Slot);
        var slot = cluster.Grains.GetGrain<IBuilderSlotGrain>(settings.Slot);
        await slot.EnableAsync();
        var status = await slot.GetStatusAsync();
        if (settings.Json)
            Output.WriteJson(status);
        else
            Console.WriteLine(status.State == SlotState.Offline
                ? $"{settings.Slot}: enabled, but still offline ({status.Reason}); it comes back by itself when its host answers"
                : $"{settings.Slot}: enabled ({status.State.ToString().ToLowerInvariant()})");
        return 0;
    }
}
