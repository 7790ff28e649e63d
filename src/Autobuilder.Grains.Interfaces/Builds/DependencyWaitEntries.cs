namespace Autobuilder.Grains;

/// <summary>
/// A build in dep-wait as <c>queue</c> lists it beside the builds waiting for a slot: it is not in
/// the scheduler's queue (it goes back there when what it misses is published), so it has no
/// place in the order; its priority and attempt read 0.
/// </summary>
public static class DependencyWaitEntries
{
    public static QueueEntry From(DependencyWait wait) =>
        new(wait.BuildId, wait.Architecture, 0, 0, wait.Since, null, $"waiting for {string.Join(", ", wait.Missing)}", WaitKind.DependencyWait);
}
