using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests.Chroot;

/// <summary>
/// The extra repositories of chroot mode (our own repositories as build sources): each value
/// becomes one apt source line in the throwaway root, so anything that could add an option, a
/// line or a path is refused before sbuild starts. No tarball needed: these end at the checks.
/// </summary>
public class ExtraRepositoryArgumentTests
{
    private const string Spec = "http://127.0.0.1:8080/extras-devel bookworm main";

    private static List<string> Args(BuildFolder build, params string[] extra) =>
        [.. build.ChrootArgs("/nonexistent/bookworm-amd64.tar"), .. extra];

    [Theory]
    [InlineData("http://127.0.0.1/x bookworm main [trusted=yes]")]
    [InlineData("[trusted=yes] http://127.0.0.1/x bookworm main")]
    [InlineData("file:///var/lib/autobuilder/repos/live/extras-devel bookworm main")]
    [InlineData("http://127.0.0.1/x bookworm")]
    [InlineData("http://127.0.0.1/x bookworm main\ndeb http://evil.example/ bookworm main")]
    [InlineData("http://127.0.0.1/../x bookworm main")]
    [InlineData("http://127.0.0.1/x bookworm main;reboot")]
    public void Should_refuse_as_InfrastructureError_When_an_extra_repository_is_not_URL_SUITE_COMPONENTS(string spec)
    {
        // Arrange
        using var build = new BuildFolder();

        // Act
        var run = build.Run(Args(build, "--extra-repository", spec, "--extra-repository-key", "key.gpg")).AssertExit(4);

        // Assert
        Assert.Contains("--extra-repository must be 'http(s)://HOST/PATH SUITE COMPONENT...'", run.Log);
        Assert.StartsWith("usage error:", run.State.Reason);
        Assert.DoesNotContain("sbuild --chroot-mode", run.Log);
    }

    [Theory]
    [InlineData("/etc/apt/trusted.gpg")]
    [InlineData("../key.gpg")]
    [InlineData("-key.gpg")]
    [InlineData("key.txt")]
    public void Should_refuse_as_InfrastructureError_When_an_extra_repository_key_is_not_a_plain_key_file_name(string key)
    {
        // Arrange
        using var build = new BuildFolder();

        // Act
        var run = build.Run(Args(build, "--extra-repository", Spec, "--extra-repository-key", key)).AssertExit(4);

        // Assert
        Assert.Contains("--extra-repository-key must be a plain NAME.gpg or NAME.asc in the build folder", run.Log);
    }

    [Fact]
    public void Should_refuse_When_an_extra_repository_has_no_key()
    {
        // Arrange
        using var build = new BuildFolder();

        // Act
        var run = build.Run(Args(build, "--extra-repository", Spec)).AssertExit(4);

        // Assert
        Assert.Contains("each --extra-repository needs its --extra-repository-key (got 1 and 0)", run.Log);
    }

    [Fact]
    public void Should_refuse_When_host_mode_is_given_an_extra_repository()
    {
        // Arrange
        using var build = new BuildFolder();

        // Act
        var run = build.Run(build.Args("any", "--extra-repository", Spec, "--extra-repository-key", "key.gpg")).AssertExit(4);

        // Assert
        Assert.Contains("--extra-repository belongs to chroot mode (host mode builds against what this host has installed)", run.Log);
    }

    [Fact]
    public void Should_log_each_extra_repository_When_they_are_well_formed()
    {
        // Arrange
        using var build = new BuildFolder();

        // Act: the run ends at the missing tarball, after the arguments were taken.
        var run = build.Run(Args(build, "--extra-repository", Spec, "--extra-repository-key", "build-source-1.gpg")).AssertExit(4);

        // Assert
        Assert.Contains($"extra repository: {Spec} (key build-source-1.gpg)", run.Log);
        Assert.Equal("no base tarball at /nonexistent/bookworm-amd64.tar", run.State.Reason);
    }
}
