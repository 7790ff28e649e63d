using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Status;

/// <summary><c>autobuilder queue</c>: builds running and waiting, in the order they will be given out.</summary>
public sealed class QueueCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var status = await cluster.Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync();
        if (settings.Json)
        {
            Output.WriteJson(new { running = status.Running, waiting = status.Waiting });
            return 0;
        }
        Output.WriteTable(["BUILD", "ARCH", "PRIORITY", "ATTEMPT", "QUEUED", "SLOT"],
            status.Running.Concat(status.Waiting).Select(q => new[]
            {
                q.BuildId, q.Architecture, q.Priority.ToString(), q.Attempt.ToString(), Output.Ago(q.QueuedAt), q.Slot ?? "(waiting)",
            }));
        Console.WriteLine($"{status.Running.Count} running, {status.Waiting.Count} waiting");
        return 0;
    }
}
