using Autobuilder.Admin.Cluster;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary><c>autobuilder builders list</c>: every builder slot and what it is doing.</summary>
public sealed class BuildersListCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var slots = await KnownSlots.ListAsync(cluster);
        if (settings.Json)
        {
            Output.WriteJson(slots);
            return 0;
        }
        Output.WriteTable(["SLOT", "STATE", "HOST", "ARCHITECTURES", "BUILD", "HEARTBEAT", "FAILURES", "NOTE"],
            slots.Select(s => new[]
            {
                s.Slot, s.State.ToString(), s.Where ?? "", string.Join(",", s.Architectures),
                s.CurrentBuild is null ? "" : $"{s.CurrentBuild} (attempt {s.Attempt})",
                Output.Ago(s.LastHeartbeat), s.ConsecutiveFailures.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Reason ?? "",
            }));
        return 0;
    }
}
