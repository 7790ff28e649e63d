using Autobuilder.Acceptance;

namespace Autobuilder.Grains.Qa;

/// <summary>Lintian's tags on some .debs, or why it could not run.</summary>
public sealed record LintianReport(IReadOnlyList<LintianTag> Tags, string? Failure);

/// <summary>Runs lintian on pool files of a published tree (paths relative to <paramref name="livePath"/>); implemented in the silo.</summary>
public interface ILintianRunner
{
    Task<LintianReport> RunAsync(string livePath, IReadOnlyList<string> poolFiles, CancellationToken cancellationToken = default);
}

/// <summary>One lintian run a QA record asks for: the version's .debs in the pool of its repository's live tree.</summary>
public sealed record LintianJob(string Distribution, string Source, string Version, string LivePath, IReadOnlyList<string> PoolFiles);

/// <summary>
/// Starts lintian runs outside the grain's call (they take tens of seconds; a console's call
/// times out at 30 s): the silo runs each sandboxed, under the QA tool time limit, and answers
/// with <see cref="IQaGrain.LintianDoneAsync"/>. Implemented in the silo.
/// </summary>
public interface ILintianChecks
{
    /// <summary>Queues the run; false when the same version's run is already queued or running (its answer will come).</summary>
    bool Start(LintianJob job);
}
