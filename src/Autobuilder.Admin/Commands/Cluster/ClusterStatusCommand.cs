using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Cluster;

/// <summary><c>autobuilder cluster status</c>: every silo with its role, host, status and grains.</summary>
public sealed class ClusterStatusCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var silos = await cluster.Grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync();
        if (settings.Json)
        {
            Output.WriteJson(silos);
            return 0;
        }
        Output.WriteTable(["SILO", "ROLE", "HOST", "STATUS", "STARTED", "GRAINS", "BY KIND"],
            silos.Select(s => new[]
            {
                s.Address, s.Role ?? "?", s.Host ?? s.MachineName, s.Status, Output.Ago(s.StartedAt),
                s.Status == "Active" ? s.Grains.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-",
                string.Join(", ", s.GrainsByKind.Select(kv => $"{kv.Key} {kv.Value}")),
            }));
        return 0;
    }
}
