namespace Autobuilder.Grains.Services;

/// <summary>
/// Runs one attempt of a build on a slot's host: copy the sources in, run the build runner, keep
/// the log, copy the results out. The local executor does this on this machine; the SSH executor
/// on a builder host.
/// </summary>
public interface IBuildExecutor
{
    /// <param name="log">Receives log lines as the build runs, for following a build live.</param>
    /// <exception cref="HostUnreachableException">
    /// The host did not answer, refused, failed its host-key check, dropped the connection or went
    /// silent: not the package's fault, and the slot goes Offline until its host answers again.
    /// </exception>
    Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct);

    /// <summary>
    /// Checks that the slot's host answers; null when it does, else why not. A local slot always
    /// answers, so that is the default.
    /// </summary>
    Task<string?> ProbeAsync(CancellationToken ct) => Task.FromResult<string?>(null);
}

/// <summary>Finds the executor for a slot's configured kind ("local" or "ssh").</summary>
public interface IBuildExecutorFactory
{
    IBuildExecutor Create(SlotConfig slot);
}
