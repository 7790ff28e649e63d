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
/// link followed). Lintian unpacks and reads them, so it runs sandboxed as builds are kept from the
/// silo: in bubblewrap, as the unprivileged user nobody in namespaces of its own (no network, no
/// other process, no capability), seeing /usr read-only, a few files of /etc, an empty /tmp, and
/// the .debs it checks read-only under /check — nothing of the silo's data; with a clean
/// environment, without the user's configuration (<c>--no-cfg</c>), and killed at the QA tool time
/// limit (Autobuilder:Qa:ToolTimeoutSeconds).
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
            run = await QaTool.RunAsync(Bubblewrap, Sandboxed(files), temp.Path, timeout, cancellationToken: cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new LintianReport([], $"bwrap could not be started ({ex.Message}); scripts/install-deps installs bubblewrap and lintian");
        }
        if (run.ExitCode == SandboxFailed && Parse(run.Stdout).Count == 0 && run.Stderr.Contains("bwrap:", StringComparison.Ordinal))
            return new LintianReport([], $"the lintian sandbox could not be made: {run.Tail}");
        if (run.TimedOut)
            return new LintianReport([], $"lintian took longer than {timeout.TotalSeconds:0} s (Autobuilder:Qa:ToolTimeoutSeconds)");
        var tags = Parse(run.Stdout);
        // 0: no tag at the fail-on level, 1 or 2: tags (by lintian version); more is lintian's own failure.
        if (run.ExitCode > 2 && tags.Count == 0)
            return new LintianReport([], $"lintian ended with status {run.ExitCode}: {run.Tail}");
        return new LintianReport(tags, null);
    }

    private const string Bubblewrap = "bwrap";

    /// <summary>bwrap's own status when it cannot make the sandbox (lintian's are 0-2).</summary>
    private const int SandboxFailed = 1;

    /// <summary>Where the checked .debs appear inside the sandbox.</summary>
    public const string CheckFolder = "/check";

    /// <summary>bwrap's arguments: the sandbox, then lintian on each file bound read-only under <see cref="CheckFolder"/>.</summary>
    public static List<string> Sandboxed(IReadOnlyList<string> files)
    {
        var args = new List<string>
        {
            "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--uid", "65534", "--gid", "65534",
            "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/sbin", "/sbin",
        };
        if (Directory.Exists("/usr/lib64"))
            args.AddRange(["--symlink", "usr/lib64", "/lib64"]);
        foreach (var etc in new[] { "/etc/dpkg", "/etc/ld.so.cache", "/etc/alternatives" }.Where(Path.Exists))
            args.AddRange(["--ro-bind", etc, etc]);
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", CheckFolder, "--chdir", "/tmp",
            "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp", "--setenv", "LANG", "C.UTF-8"]);
        var inside = new List<string>();
        for (var i = 0; i < files.Count; i++)
        {
            // Numbered: two pools may hold files of the same name.
            var name = $"{CheckFolder}/{i}-{Path.GetFileName(files[i])}";
            args.AddRange(["--ro-bind", files[i], name]);
            inside.Add(name);
        }
        args.AddRange(["--", "lintian", "--no-cfg", "--tag-display-limit", "0", "--display-info", "--", .. inside]);
        return args;
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
