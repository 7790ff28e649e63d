using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary><c>autobuilder builders list</c>: every builder slot and what it is doing.</summary>
public sealed class BuildersListCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var status = await cluster.Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync();
        if (settings.Json)
        {
            Output.WriteJson(status.Slots);
            return 0;
        }
        Output.WriteTable(["SLOT", "STATE", "ARCHITECTURES", "BUILD", "HEARTBEAT", "FAILURES", "NOTE"],
            status.Slots.Select(s => new[]
            {
                s.Slot, s.State.ToString(), string.Join(",", s.Architectures),
                s.CurrentBuild is null ? "" : $"{s.CurrentBuild} (attempt {s.Attempt})",
                Output.Ago(s.LastHeartbeat), s.ConsecutiveFailures.ToString(), s.Reason ?? "",
            }));
        return 0;
    }
}
