using Autobuilder.Debian.Safety;
using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests;

/// <summary>Reading a build folder whose runner did not end cleanly, or whose files were tampered with.</summary>
public class BuildRunnerResultTests
{
    [Fact]
    public void Should_report_InfrastructureError_When_there_is_no_state_file()
    {
        using var dir = new TempDir();

        var result = BuildRunnerResult.Read(dir.Path, exitCode: 137);

        Assert.Equal(BuildOutcome.InfrastructureError, result.Outcome);
        Assert.Contains("no state file", result.Reason);
        Assert.Null(result.State);
    }

    [Fact]
    public void Should_report_InfrastructureError_When_the_runner_died_during_the_build()
    {
        using var dir = new TempDir();
        dir.Write("state", "state=build\nstarted=2026-11-25T10:00:00Z\n");

        var result = BuildRunnerResult.Read(dir.Path);

        Assert.Equal(BuildOutcome.InfrastructureError, result.Outcome);
        Assert.Contains("stopped in state 'build'", result.Reason);
    }

    [Fact]
    public void Should_report_InfrastructureError_When_the_exit_code_disagrees_with_the_state_file()
    {
        using var dir = new TempDir();
        dir.Write("state", "state=done\noutcome=success\n");
        dir.Write("results.list", "a_1_all.deb\n");

        var result = BuildRunnerResult.Read(dir.Path, exitCode: 1);

        Assert.Equal(BuildOutcome.InfrastructureError, result.Outcome);
        Assert.Contains("exit code 1 disagrees", result.Reason);
        Assert.Empty(result.Files);
    }

    [Fact]
    public void Should_split_alternatives_and_versions_correctly_When_reading_the_depwait_file()
    {
        using var dir = new TempDir();
        dir.Write("state", "state=done\noutcome=dep-wait\n");
        dir.Write("depwait", "libfoo-dev (>= 1.2), bar | baz (<< 2), qux:native\n");

        var result = BuildRunnerResult.Read(dir.Path, exitCode: 2);

        Assert.Equal(BuildOutcome.DepWait, result.Outcome);
        Assert.Equal(["libfoo-dev (>= 1.2)", "bar | baz (<< 2)", "qux:native"], result.MissingBuildDependencies);
        Assert.Equal("libfoo-dev (>= 1.2), bar | baz (<< 2), qux:native", result.MissingBuildDependenciesText);
    }

    [Fact]
    public void Should_refuse_the_list_When_results_list_names_a_path_outside_results()
    {
        using var dir = new TempDir();
        dir.Write("state", "state=done\noutcome=success\n");
        dir.Write("results.list", "a_1_all.deb\n../../etc/passwd\n");

        Assert.Throws<UnsafeFileNameException>(() => BuildRunnerResult.Read(dir.Path, exitCode: 0));
    }
}
