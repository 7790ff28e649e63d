using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Gc;

/// <summary>
/// <c>autobuilder gc</c>: applies Autobuilder:Retention now, on the garage (settled uploads,
/// rejected/, stray/) and the stage (repo-rejected/, accepted .changes), as the reminder does.
/// </summary>
public sealed class GcCommand : AsyncCommand<GcCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandOption("--dry-run")]
        [Description("Only say what would be removed.")]
        public bool DryRun { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var reports = new List<RetentionReport>
        {
            await cluster.Grains.GetGrain<IGarageRetentionGrain>(0).CollectAsync(settings.DryRun),
            await cluster.Grains.GetGrain<IStageRetentionGrain>(0).CollectAsync(settings.DryRun),
        };
        if (settings.Json)
        {
            Output.WriteJson(reports);
            return 0;
        }
        Output.WriteTable(["ROLE", "KIND", "OLDER THAN", settings.DryRun ? "WOULD GO" : "REMOVED", "SIZE", "KEPT", "ERRORS"],
            reports.SelectMany(r => r.Lines.Select(l => new[]
            {
                r.Role, l.Kind, l.Older == TimeSpan.Zero ? "kept for ever" : $"{l.Older.TotalDays:0.##} days",
                l.Removed.ToString(), Size(l.Bytes), l.Kept.ToString(), l.Errors.Count.ToString(),
            })));
        foreach (var error in reports.SelectMany(r => r.Lines).SelectMany(l => l.Errors))
            Console.Error.WriteLine($"could not remove {error}");
        return reports.Any(r => r.Lines.Any(l => l.Errors.Count > 0)) ? 1 : 0;
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:0.#} MiB",
        _ => $"{bytes / 1024.0 / 1024 / 1024:0.##} GiB",
    };
}
