namespace Autobuilder.Silo.Qa;

/// <summary>
/// Runs dose-debcheck (one process per call) and hands each line of its report to the caller as it
/// comes. The one way the QA ladder starts dose-debcheck, so that its runs can be counted
/// (the installability cache promises one run per change of the indices, not one per read).
/// </summary>
public interface IDoseRunner
{
    Task<QaToolResult> RunAsync(IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, Action<string> onLine,
        CancellationToken cancellationToken = default);
}

/// <summary>dose-debcheck from Debian's dose-distcheck, run as <see cref="QaTool"/> runs every QA tool (argument list, clean environment, time limit).</summary>
public sealed class DoseRunner : IDoseRunner
{
    public const string Program = "dose-debcheck";

    public Task<QaToolResult> RunAsync(IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, Action<string> onLine,
        CancellationToken cancellationToken = default) =>
        QaTool.RunLinesAsync(Program, arguments, workingDirectory, timeout, onLine, cancellationToken);
}
