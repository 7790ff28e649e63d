using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary><c>autobuilder builders drain SLOT</c>: the slot finishes its build and takes no new one.</summary>
public sealed class BuildersDrainCommand : AsyncCommand<SlotSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SlotSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        await KnownSlots.RequireAsync(cluster, settings.Slot);
        var slot = cluster.Grains.GetGrain<IBuilderSlotGrain>(settings.Slot);
        await slot.DrainAsync();
        var status = await slot.GetStatusAsync();
        if (settings.Json)
            Output.WriteJson(status);
        else
            Console.WriteLine(status.CurrentBuild is { } build
                ? $"{settings.Slot}: draining; it finishes {build} and takes no new build"
                : $"{settings.Slot}: drained; it takes no new build ('autobuilder builders enable {settings.Slot}' undoes this)");
        return 0;
    }
}
