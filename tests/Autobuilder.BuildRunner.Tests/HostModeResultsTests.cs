using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests;

/// <summary>
/// What package code leaves in the build folder is collected only when it is a regular file with a
/// plain name: a link would have the silo copy whatever it points at, a newline would split
/// results.list. Either fails the build, naming the file.
/// </summary>
public class HostModeResultsTests
{
    [Fact]
    public void Should_fail_naming_the_file_When_the_build_leaves_a_symbolic_link_named_like_a_package()
    {
        // Given: debian/rules links ../evil_1_amd64.deb to a file the runner's user can read.
        using var build = new BuildFolder(new SourcePackage(Name: "hello-link", RulesBuild: "ln -s /etc/hostname ../evil_1_amd64.deb"));

        // When
        var run = build.Run(build.Args("any")).AssertExit(1);

        // Then
        Assert.Equal(BuildOutcome.BuildFailed, run.Result.Outcome);
        Assert.Equal("the build left evil_1_amd64.deb, which is not a regular file", run.State.Reason);
        Assert.Empty(run.Result.Files);
        Assert.False(File.Exists(build[BuildRunnerFiles.ResultsList]));
    }

    [Fact]
    public void Should_fail_naming_the_file_When_the_build_leaves_a_package_whose_name_is_not_plain()
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-name", RulesBuild: "printf x > '../a b_1_amd64.deb'"));

        var run = build.Run(build.Args("any")).AssertExit(1);

        Assert.Equal(BuildOutcome.BuildFailed, run.Result.Outcome);
        Assert.Equal("the build left 'a b_1_amd64.deb', which is not a plain file name", run.State.Reason);
        Assert.Empty(run.Result.Files);
    }
}
