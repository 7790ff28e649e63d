using Autobuilder.Silo.Qa;

namespace Autobuilder.Silo.Tests.Qa;

/// <summary>The real dose-debcheck runner, with a count of its runs (each run still runs the real tool).</summary>
public sealed class CountingDoseRunner(IDoseRunner inner) : IDoseRunner
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    public Task<QaToolResult> RunAsync(IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, Action<string> onLine,
        CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _runs);
        return inner.RunAsync(arguments, workingDirectory, timeout, onLine, cancellationToken);
    }
}
