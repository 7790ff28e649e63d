using Autobuilder.Acceptance;

namespace Autobuilder.Grains.Qa;

/// <summary>Lintian's tags on some .debs, or why it could not run.</summary>
public sealed record LintianReport(IReadOnlyList<LintianTag> Tags, string? Failure);

/// <summary>Runs lintian on pool files of a published tree (paths relative to <paramref name="livePath"/>); implemented in the silo.</summary>
public interface ILintianRunner
{
    Task<LintianReport> RunAsync(string livePath, IReadOnlyList<string> poolFiles, CancellationToken cancellationToken = default);
}
