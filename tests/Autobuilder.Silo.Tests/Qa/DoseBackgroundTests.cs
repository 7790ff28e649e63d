using System.IO.Compression;
using Autobuilder.Silo.Qa;

namespace Autobuilder.Silo.Tests.Qa;

/// <summary>
/// dose-debcheck's background cut to what the candidates reach: every alternative, Provides,
/// Pre-Depends and continuation lines followed, Essential packages kept, every gzip member read; and the real dose-debcheck
/// gives the same verdicts on the cut background as on the whole one.
/// </summary>
public sealed class DoseBackgroundTests : IDisposable
{
    private readonly TempDir _dir = new("ab-dose-bg-");

    public void Dispose() => _dir.Dispose();

    private static string Stanza(string package, string extra = "") =>
        $"Package: {package}\nVersion: 1\nArchitecture: all\n{extra}Description: {package}\n\n";

    [Fact]
    public void Should_keep_only_what_the_candidates_and_the_essential_packages_reach_When_the_background_is_cut()
    {
        // Arrange
        var fg = _dir.Write("fg", Stanza("app", "Depends: liba (>= 1) | libb,\n virtual-thing\nPre-Depends: early\n") + Stanza("app2", "Depends: missing-one\n"));
        var target = _dir.Write("target", Stanza("liba", "Depends: libc:any\n") + Stanza("libb") + Stanza("libc") + Stanza("unrelated", "Depends: liba\n")
            + Stanza("provider", "Provides: virtual-thing (= 2)\nDepends: deep\n") + Stanza("deep"));
        // Two gzip members, as our publisher writes a big index (dose-debcheck itself would read the first only).
        var baseIndex = Path.Combine(_dir.Path, "base.gz");
        using (var file = File.Create(baseIndex))
        {
            foreach (var part in new[] { Stanza("early") + Stanza("bash", "Essential: yes\nDepends: base-files\n"), Stanza("base-files") + Stanza("cowsay") })
            {
                using var gz = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true);
                gz.Write(System.Text.Encoding.UTF8.GetBytes(part));
            }
        }
        var output = Path.Combine(_dir.Path, "bg");

        // Act
        var kept = DoseBackground.Write(fg, [target, baseIndex], output, CancellationToken.None);

        // Assert
        var packages = File.ReadAllLines(output).Where(l => l.StartsWith("Package: ", StringComparison.Ordinal)).Select(l => l[9..]).ToList();
        Assert.Equal(["liba", "libb", "libc", "provider", "deep", "early", "bash", "base-files"], packages);
        Assert.Equal(packages.Count, kept);
        Assert.Contains("Depends: libc:any\n", File.ReadAllText(output));
    }

    [Fact]
    public void Should_give_dose_debcheck_the_same_verdicts_When_it_reads_the_cut_background()
    {
        // Arrange: the machine's own dpkg status as the base, a broken and a sound candidate.
        var fg = _dir.Write("fg", Stanza("sound", "Depends: libc6 (>= 2.36), dpkg\n") + Stanza("broken", "Depends: libc6, no-such-library (>= 1)\n")
            + Stanza("clash", "Depends: libc6\nConflicts: libc6 (>= 2)\n"));
        var cut = Path.Combine(_dir.Path, "bg");
        DoseBackground.Write(fg, ["/var/lib/dpkg/status"], cut, CancellationToken.None);

        // Act
        var whole = Dose(fg, "/var/lib/dpkg/status");
        var reduced = Dose(fg, cut);

        // Assert
        Assert.Equal(["broken", "clash"], Broken(whole));
        Assert.Equal(Broken(whole), Broken(reduced));
        Assert.True(File.ReadAllLines(cut).Count(l => l.StartsWith("Package: ", StringComparison.Ordinal)) <
            File.ReadAllLines("/var/lib/dpkg/status").Count(l => l.StartsWith("Package: ", StringComparison.Ordinal)));
    }

    private static string Dose(string fg, string bg)
    {
        var run = Tool.Run("dose-debcheck", new[] { "--deb-native-arch=" + SiloProcess.HostArchitecture, "--explain", "--failures", "--fg=" + fg, "--bg=" + bg });
        Assert.True(run.ExitCode is 0 or 1, run.Stderr);
        return run.Stdout;
    }

    private static List<string> Broken(string report) =>
        [.. report.Split('\n').Where(l => l.StartsWith("  package: ", StringComparison.Ordinal)).Select(l => l["  package: ".Length..]).Order(StringComparer.Ordinal)];
}
