using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests.Chroot;

/// <summary>
/// Chroot mode's checks that end a run before sbuild starts: no base tarball, so these need no
/// network and run with the fast tests.
/// </summary>
public class ChrootArgumentTests
{
    [Fact]
    public void Should_report_InfrastructureError_naming_prepare_env_When_the_base_tarball_is_missing()
    {
        // Arrange
        using var build = new BuildFolder();
        var tarball = System.IO.Path.Combine(build.Root, "no-such", "bookworm-amd64.tar");

        // Act
        var run = build.Run(build.ChrootArgs(tarball)).AssertExit(4);

        // Assert
        Assert.Equal(BuildOutcome.InfrastructureError, run.State.Outcome);
        Assert.Equal($"no base tarball at {tarball}", run.State.Reason);
        Assert.Contains($"autobuilder builders prepare-env --dist bookworm --arch {BuildFolder.Arch}", run.Log);
        Assert.Equal("chroot", run.State.Mode);
        Assert.Equal("bookworm", run.State.Values["dist"]);
        Assert.DoesNotContain("=== setup ===", run.Log);
    }

    [Theory]
    [InlineData("--dist", "")]
    [InlineData("--dist", "Bookworm;x")]
    [InlineData("--chroot-tarball", "relative/base.tar")]
    [InlineData("--chroot-tarball", "/tmp/a\nb.tar")]
    public void Should_refuse_as_InfrastructureError_When_a_chroot_setting_is_missing_or_malformed(string option, string value)
    {
        // Arrange
        using var build = new BuildFolder();
        var args = build.ChrootArgs("/var/cache/autobuilder/chroots/bookworm-amd64.tar").ToList();
        args[args.IndexOf(option) + 1] = value;

        // Act
        var run = build.Run(args).AssertExit(4);

        // Assert
        Assert.Contains($"chroot mode needs {option}", run.Log);
        Assert.StartsWith("usage error:", run.State.Reason);
    }

    [Fact]
    public void Should_refuse_as_InfrastructureError_When_host_mode_is_given_a_chroot_tarball()
    {
        // Arrange
        using var build = new BuildFolder();

        // Act
        var run = build.Run(build.Args("any", "--chroot-tarball", "/srv/base.tar")).AssertExit(4);

        // Assert
        Assert.Contains("--dist and --chroot-tarball belong to chroot mode", run.Log);
    }
}
