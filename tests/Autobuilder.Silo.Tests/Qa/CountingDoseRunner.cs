using System.Collections.Concurrent;
using Autobuilder.Silo.Qa;

namespace Autobuilder.Silo.Tests.Qa;

/// <summary>
/// The real dose-debcheck runner, with a count of its runs and of the runs that judged each package
/// (read from the run's foreground file), so a test counts its own package's runs while the
/// reminder may run dose for other candidates meanwhile. Each run still runs the real tool.
/// </summary>
public sealed class CountingDoseRunner(IDoseRunner inner) : IDoseRunner
{
    private readonly ConcurrentDictionary<string, int> _judged = new(StringComparer.Ordinal);
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    /// <summary>The runs whose foreground held a binary named <paramref name="package"/> (renamed with the checker's isolation mark).</summary>
    public int RunsJudging(string package) => _judged.GetValueOrDefault(package);

    public Task<QaToolResult> RunAsync(IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, Action<string> onLine,
        CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _runs);
        foreach (var fg in arguments.Where(a => a.StartsWith("--fg=", StringComparison.Ordinal)).Select(a => a["--fg=".Length..]))
        {
            foreach (var line in File.ReadLines(fg).Where(l => l.StartsWith("Package: ", StringComparison.Ordinal)))
            {
                var name = line["Package: ".Length..];
                var mark = name.IndexOf(DoseInstallabilityChecker.IsolationMark, StringComparison.Ordinal);
                _judged.AddOrUpdate(mark < 0 ? name : name[..mark], 1, (_, n) => n + 1);
            }
        }
        return inner.RunAsync(arguments, workingDirectory, timeout, onLine, cancellationToken);
    }
}
