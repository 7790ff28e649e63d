using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary>
/// <c>autobuilder builders remove SLOT</c>: forgets a slot added with <c>builders add</c>. A busy
/// slot is not removed (its build would be cut off): the answer says to drain it first.
/// </summary>
public sealed class BuildersRemoveCommand : AsyncCommand<SlotSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SlotSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var refusal = await cluster.Grains.GetGrain<IBuilderRegistryGrain>(0).RemoveAsync(settings.Slot);
        if (settings.Json)
            Output.WriteJson(new { slot = settings.Slot, removed = refusal is null, message = refusal });
        else if (refusal is null)
            Console.WriteLine($"{settings.Slot}: removed");
        else
            ConsoleErrors.Error(refusal);
        return refusal is null ? 0 : 1;
    }
}
