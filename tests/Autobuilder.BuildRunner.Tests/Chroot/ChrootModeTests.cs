using System.Diagnostics;
using Autobuilder.Testing;
using Xunit.Abstractions;

namespace Autobuilder.BuildRunner.Tests.Chroot;

/// <summary>
/// Real chroot builds: sbuild --chroot-mode=unshare in a throwaway root made from the cached base
/// tarball, build-dependencies installed from the Debian mirror. About 20–40 s each, so they carry
/// the Chroot category (run only them: ./test.sh --filter Category=Chroot; skip them:
/// ./test.sh --filter 'Category!=Chroot'). Without the mirror they fail, saying so.
/// </summary>
[Trait("Category", "Chroot")]
[Collection(ChrootCollection.Name)]
public sealed class ChrootModeTests(ChrootFixture chroot, ITestOutputHelper output)
{
    // A real build-dependency that is in Debian but not on this host: only the chroot can have it.
    private const string ChrootOnlyDependency = "libpopt-dev";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);

    [Fact]
    public void Should_install_the_build_dependencies_and_collect_the_results_When_the_package_builds_in_the_chroot()
    {
        // Arrange: the build itself fails unless the dependency's header is there.
        Assert.True(Tool.Run("dpkg-query", "-W", "-f=${Status}", ChrootOnlyDependency).Stdout.Trim() != "install ok installed",
            $"{ChrootOnlyDependency} is installed on this host, so this test would not prove the chroot installs build-dependencies; remove it or pick another");
        using var build = new BuildFolder(new SourcePackage(Name: "ab-chroot-ok", BuildDepends: ChrootOnlyDependency,
            RulesBuild: "test -f /usr/include/popt.h"));

        // Act
        var run = Timed(() => build.Run(build.ChrootArgs(chroot.Tarball), timeout: BuildTimeout)).AssertExit(0);

        // Assert
        var deb = $"ab-chroot-ok_1.0-1_{BuildFolder.Arch}.deb";
        var changes = $"ab-chroot-ok_1.0-1_{BuildFolder.Arch}.changes";
        Assert.Equal([$"ab-chroot-ok_1.0-1_{BuildFolder.Arch}.buildinfo", changes, deb], run.Result.Files);
        Assert.Equal("ab-chroot-ok", Tool.Run("dpkg-deb", ["--field", run.Result.PathOf(deb), "Package"]).Ok().Stdout.Trim());
        Assert.Contains("Distribution: bookworm", File.ReadAllText(run.Result.PathOf(changes)));
        Assert.Contains($"Unpacking {ChrootOnlyDependency}", run.Log);
        Assert.Contains("sbuild --chroot-mode=unshare", run.Log);
        Assert.Contains("sbuild: status successful (exit 0)", run.Log);
        Assert.Equal(BuildOutcome.Success, run.State.Outcome);
        Assert.Equal("chroot", run.State.Mode);
        Assert.True(File.Exists(build["sbuild.log"]), "sbuild's own log should be kept as sbuild.log");
        Assert.Empty(Directory.GetFiles(build.Path, "*.build"));
    }

    [Fact]
    public void Should_report_DepWait_naming_the_missing_package_When_a_build_dependency_is_not_in_Debian()
    {
        // Arrange
        using var build = new BuildFolder(new SourcePackage(Name: "ab-chroot-dw", BuildDepends: "autobuilder-no-such-package (>= 1)"));

        // Act
        var run = Timed(() => build.Run(build.ChrootArgs(chroot.Tarball), timeout: BuildTimeout)).AssertExit(2);

        // Assert
        Assert.Equal(BuildOutcome.DepWait, run.State.Outcome);
        Assert.Equal("autobuilder-no-such-package (>= 1)\n", File.ReadAllText(build[BuildRunnerFiles.DepWait]));
        Assert.Equal(["autobuilder-no-such-package (>= 1)"], run.Result.MissingBuildDependencies);
        Assert.Contains("sbuild: status given-back, fail-stage install-deps (exit 3)", run.Log);
        Assert.Empty(run.Result.Files);
    }

    [Fact]
    public void Should_report_BuildFailed_When_debian_rules_fails_in_the_chroot()
    {
        // Arrange
        using var build = new BuildFolder(new SourcePackage(Name: "ab-chroot-fail", RulesBuild: "exit 1"));

        // Act
        var run = Timed(() => build.Run(build.ChrootArgs(chroot.Tarball), timeout: BuildTimeout)).AssertExit(1);

        // Assert
        Assert.Equal(BuildOutcome.BuildFailed, run.State.Outcome);
        Assert.Equal("sbuild: build failed (stage build)", run.State.Reason);
        Assert.Contains("override_dh_auto_build", run.Log);
        Assert.Empty(run.Result.Files);
        Assert.False(File.Exists(build[BuildRunnerFiles.ResultsList]));
    }

    private RunnerRun Timed(Func<RunnerRun> body)
    {
        var clock = Stopwatch.StartNew();
        var run = body();
        output.WriteLine($"base tarball: {chroot.Tarball} ({(chroot.Made == TimeSpan.Zero ? "reused" : $"made in {chroot.Made.TotalSeconds:0} s")}); " +
                         $"build: {clock.Elapsed.TotalSeconds:0} s; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        return run;
    }
}
