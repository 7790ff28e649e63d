using System.Globalization;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary><c>autobuilder builders show SLOT</c>: one slot, its current build and its last builds.</summary>
public sealed class BuildersShowCommand : AsyncCommand<SlotSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SlotSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        await KnownSlots.RequireAsync(cluster, settings.Slot);
        var s = await cluster.Grains.GetGrain<IBuilderSlotGrain>(settings.Slot).GetStatusAsync();
        if (settings.Json)
        {
            Output.WriteJson(s);
            return 0;
        }
        Console.WriteLine($"Slot:     {s.Slot} ({s.Where ?? "-"})");
        Console.WriteLine($"State:    {s.State}{(s.Reason is { } r ? $": {r}" : "")}");
        Console.WriteLine($"Arches:   {string.Join(", ", s.Architectures)}");
        Console.WriteLine($"Building: {(s.CurrentBuild is { } b ? $"{b} (attempt {s.Attempt})" : "-")}");
        Console.WriteLine($"Failures: {s.ConsecutiveFailures} in a row");
        var recent = s.Recent ?? [];
        if (recent.Count == 0)
        {
            Console.WriteLine("No past builds recorded yet.");
            return 0;
        }
        Console.WriteLine();
        Output.WriteTable(["UPLOAD", "ARCH", "ATTEMPT", "OUTCOME", "DURATION", "ENDED"],
            recent.Reverse().Select(x => new[]
            {
                x.UploadId, x.Architecture, x.Attempt.ToString(CultureInfo.InvariantCulture), x.Outcome.ToString(),
                $"{x.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s", Output.Ago(x.Ended),
            }));
        return 0;
    }
}
