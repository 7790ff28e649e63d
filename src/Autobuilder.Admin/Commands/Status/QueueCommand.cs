using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Status;

/// <summary>
/// <c>autobuilder queue</c>: builds running and waiting, in the order they will be given out, each
/// waiting build with why it waits (from the scheduler's slot table), then the builds in dep-wait
/// with what they miss.
/// </summary>
public sealed class QueueCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var status = await cluster.Grains.GetGrain<IBuildSchedulerGrain>(0).GetQueueAsync();
        var depWait = await DependencyWaitsAsync(cluster);
        var waiting = status.Waiting.Concat(depWait).ToList();
        if (settings.Json)
        {
            Output.WriteJson(new { running = status.Running, waiting });
            return 0;
        }
        Output.WriteTable(["BUILD", "ARCH", "PRIORITY", "ATTEMPT", "QUEUED", "SLOT / WHY IT WAITS"],
            status.Running.Concat(waiting).Select(q => new[]
            {
                q.BuildId, q.Architecture, q.Wait == WaitKind.DependencyWait ? "-" : q.Priority.ToString(),
                q.Wait == WaitKind.DependencyWait ? "-" : q.Attempt.ToString(), Output.Ago(q.QueuedAt), q.Slot ?? q.Reason ?? "(waiting)",
            }));
        Console.WriteLine($"{status.Running.Count} running, {status.Waiting.Count} waiting for a slot, {depWait.Count} in dep-wait");
        return 0;
    }

    /// <summary>The builds in dep-wait; a cluster without the dep-wait grain lists none, and says so on stderr.</summary>
    private static async Task<IReadOnlyList<QueueEntry>> DependencyWaitsAsync(ClusterConnection cluster)
    {
        try
        {
            var waits = await cluster.Grains.GetGrain<IDependencyWaitGrain>(0).ListAsync();
            return [.. waits.Select(DependencyWaitEntries.From)];
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or AccessRefusedException))
        {
            Console.Error.WriteLine($"autobuilder: builds in dep-wait not listed: {ex.Message}");
            return [];
        }
    }
}
