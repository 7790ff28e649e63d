using System.Text.RegularExpressions;
using Autobuilder.Acceptance;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Qa;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Qa;

/// <summary>
/// Lintian on a version's .debs in a repository's live pool (issue 15). The files are an upload's,
/// so hostile: each pool path must be plain segments inside the live tree and a regular file (no
/// link followed); lintian runs with a clean environment in a folder of its own, without the
/// user's configuration (<c>--no-cfg</c>), under the QA tool time limit.
/// </summary>
public sealed partial class LintianRunner(IOptions<AutobuilderOptions> options) : ILintianRunner
{
    public async Task<LintianReport> RunAsync(string livePath, IReadOnlyList<string> poolFiles, CancellationToken cancellationToken = default)
    {
        if (poolFiles.Count == 0)
            return new LintianReport([], null);
        var files = new List<string>();
        foreach (var pool in poolFiles)
        {
            var segments = pool.Split('/');
            if (segments.Length < 2 || segments.Any(s => !FileNames.IsSafe(s)))
                return new LintianReport([], $"pool path '{pool}' is not plain");
            var full = Path.Combine([livePath, .. segments]);
            var info = new FileInfo(full);
            if (!info.Exists || info.LinkTarget is not null)
                return new LintianReport([], $"{pool} is not a regular file in {livePath}");
            files.Add(full);
        }
        var timeout = TimeSpan.FromSeconds(options.Value.Qa.ToolTimeoutSeconds);
        using var temp = QaTool.Temp("ab-qa-lintian-");
        QaToolResult run;
        try
        {
            run = await QaTool.RunAsync("lintian", ["--no-cfg", "--tag-display-limit", "0", "--display-info", "--", .. files], temp.Path, timeout,
                cancellationToken: cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new LintianReport([], $"lintian could not be started ({ex.Message}); scripts/install-deps installs it");
        }
        if (run.TimedOut)
            return new LintianReport([], $"lintian took longer than {timeout.TotalSeconds:0} s (Autobuilder:Qa:ToolTimeoutSeconds)");
        var tags = Parse(run.Stdout);
        // 0: no tag at the fail-on level, 1 or 2: tags (by lintian version); more is lintian's own failure.
        if (run.ExitCode > 2 && tags.Count == 0)
            return new LintianReport([], $"lintian ended with status {run.ExitCode}: {run.Tail}");
        return new LintianReport(tags, null);
    }

    /// <summary>Lintian's tag lines: "E: hello: no-copyright-file", "W: hello source: tag detail…".</summary>
    public static IReadOnlyList<LintianTag> Parse(string output)
    {
        var tags = new List<LintianTag>();
        foreach (var line in output.Split('\n'))
        {
            var m = TagLine().Match(line.TrimEnd());
            if (m.Success)
                tags.Add(new LintianTag(m.Groups["sev"].Value, m.Groups["pkg"].Value, m.Groups["tag"].Value, m.Groups["detail"].Value));
        }
        return tags;
    }

    [GeneratedRegex(@"^(?<sev>[EWIPXOC]): (?<pkg>[^ ]+?)(?: (?:source|binary|udeb))?: (?<tag>[a-z0-9][a-z0-9+._-]*)(?: (?<detail>.*))?$")]
    private static partial Regex TagLine();
}
