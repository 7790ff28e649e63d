using Autobuilder.BuildRunner;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// Why an executor stopped a build before its runner finished: the verdict replaces whatever the
/// killed runner left behind, and no file of the build is published.
/// </summary>
public sealed record BuildStop(BuildOutcome Outcome, string Reason)
{
    public static BuildStop Cancelled { get; } = new(BuildOutcome.Cancelled, "cancelled");

    public static BuildStop TimedOut(TimeSpan timeout) =>
        new(BuildOutcome.BuildFailed, $"build timed out after {timeout.TotalSeconds:0}s (stopped by the executor)");

    public static BuildStop LogLimit(long bytes) =>
        new(BuildOutcome.BuildFailed, $"log limit exceeded: the build printed more than {bytes} bytes");
}
