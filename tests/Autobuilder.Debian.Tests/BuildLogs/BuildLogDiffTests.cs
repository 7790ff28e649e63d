using Autobuilder.Debian.BuildLogs;

namespace Autobuilder.Debian.Tests.BuildLogs;

/// <summary>The failing region of a log against the last good build's log, after normalisation.</summary>
public sealed class BuildLogDiffTests
{
    private static readonly string[] Good =
    [
        "dpkg-buildpackage: info: source package hello",
        "dpkg-buildpackage: info: source version 1.0-1",
        " dpkg-source --before-build .",
        "Build started at 2026-12-01T10:00:01Z",
        "   dh_auto_configure",
        "   dh_auto_build",
        "make[1]: Entering directory '/tmp/ab-builds-1a2b/abbuild1/bookworm%2Fhello_1.0-1%2F1.1/hello-1.0'",
        "gcc -c hello.c -o hello.o",
        "gcc hello.o -o hello",
        "make[1]: Leaving directory '/tmp/ab-builds-1a2b/abbuild1/bookworm%2Fhello_1.0-1%2F1.1/hello-1.0'",
        "   dh_auto_test",
        "   dh_install",
        "dpkg-deb: building package 'hello' in '../hello_1.0-1_amd64.deb'.",
        "Build took 3.2 s",
    ];

    private static readonly string[] Failing =
    [
        "dpkg-buildpackage: info: source package hello",
        "dpkg-buildpackage: info: source version 1.1-1",
        " dpkg-source --before-build .",
        "Build started at 2026-12-03T02:30:44Z",
        "   dh_auto_configure",
        "   dh_auto_build",
        "make[1]: Entering directory '/var/lib/autobuilder-builds/abbuild2/bookworm%2Fhello_1.1-1%2F2.1/hello-1.1'",
        "gcc -c hello.c -o hello.o",
        "gcc -c frob.c -o frob.o",
        "frob.c:3:5: error: 'frobs' undeclared (first use in this function)",
        "make[1]: *** [Makefile:6: frob.o] Error 1",
        "make[1]: Leaving directory '/var/lib/autobuilder-builds/abbuild2/bookworm%2Fhello_1.1-1%2F2.1/hello-1.1'",
        "dh_auto_build: error: make -j1 returned exit code 2",
        "dpkg-buildpackage: error: debian/rules binary subprocess returned exit status 2",
        "Build took 1.9 s",
    ];

    [Fact]
    public void Should_ShowOnlyWhatChanged_When_TimesPathsAndVersionsDiffer()
    {
        // Given both logs normalised with their own versions
        var good = Good.Select(new BuildLogNormaliser("hello", "1.0-1").Normalise).ToList();
        var failing = Failing.Select(new BuildLogNormaliser("hello", "1.1-1").Normalise).ToList();
        var errors = BuildLogErrors.Extract(Failing);
        var first = (int)errors.Lines[0].Number - 1;
        var last = (int)errors.Lines[^1].Number - 1;

        // When the region around the errors is diffed
        var diff = BuildLogDiff.Around(good, 1, failing, 1, first - 5, last + 1, "good", "failing");

        // Then it is a unified diff whose only changes are the build's real ones
        Assert.NotNull(diff);
        var lines = diff.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["--- good", "+++ failing"], lines[..2]);
        Assert.StartsWith("@@ -", lines[2]);
        var changes = lines.Skip(3).Where(l => l[0] is '+' or '-').ToList();
        Assert.Equal(
        [
            "-gcc hello.o -o hello",
            "+gcc -c frob.c -o frob.o",
            "+frob.c:3:5: error: 'frobs' undeclared (first use in this function)",
            "+make[1]: *** [Makefile:6: frob.o] Error 1",
            "-   dh_auto_test",
            "-   dh_install",
            "-dpkg-deb: building package 'hello' in '../hello_<version>_amd64.deb'.",
            "+dh_auto_build: error: make -j1 returned exit code 2",
            "+dpkg-buildpackage: error: debian/rules binary subprocess returned exit status 2",
        ], changes);
        Assert.Equal("@@ -6,9 +6,10 @@", lines[2]);
        // The build folders (different roots, users, attempts) and the time stamps read the same.
        Assert.Contains(" make[1]: Entering directory '<build>/hello-<upstream>'", lines);
        Assert.DoesNotContain(lines, l => l.Contains("2026-12", StringComparison.Ordinal) || l.Contains("abbuild", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_GiveNothing_When_TheRegionHasNoCounterpart()
    {
        // Given a good log that shares no line with the failing one
        var good = Enumerable.Range(1, 50).Select(i => $"unrelated output line {i}").ToList();

        // Then there is no diff rather than a diff of everything
        Assert.Null(BuildLogDiff.Around(good, 1, Failing, 1, 5, 12, "good", "failing"));
    }

    [Fact]
    public void Should_CutTheDiff_When_ItIsLongerThanTheBound()
    {
        // Given a failing build whose region differs on every line after the anchor
        var good = new[] { "   dh_auto_build anchor line" }.Concat(Enumerable.Range(1, 300).Select(i => $"good line number {i}")).ToList();
        var failing = new[] { "   dh_auto_build anchor line" }.Concat(Enumerable.Range(1, 300).Select(i => $"bad line number {i}")).ToList();

        // When diffed with at most 20 lines
        var diff = BuildLogDiff.Around(good, 1, failing, 1, 0, 300, "good", "failing", maxLines: 20);

        // Then it stops at 20 lines and says so
        Assert.NotNull(diff);
        var lines = diff.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("[diff cut at 20 lines]", lines[^1]);
        Assert.Equal(20, lines.Count(l => l[0] is '+' or '-' or ' ') - 2);
    }
}
