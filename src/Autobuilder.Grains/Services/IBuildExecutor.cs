namespace Autobuilder.Grains.Services;

/// <summary>
/// Runs one attempt of a build on a slot's host: copy the sources in, run the build runner, keep
/// the log, copy the results out. The local executor does this on this machine; the SSH executor
/// (builder-hosts issue) on another.
/// </summary>
public interface IBuildExecutor
{
    /// <param name="log">Receives log lines as the build runs, for following a build live.</param>
    Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct);
}

/// <summary>Finds the executor for a slot's configured kind ("local", later "ssh").</summary>
public interface IBuildExecutorFactory
{
    IBuildExecutor Create(SlotConfig slot);
}
