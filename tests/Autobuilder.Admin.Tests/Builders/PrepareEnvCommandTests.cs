using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests.Builders;

/// <summary>
/// <c>autobuilder builders prepare-env</c> without making a real tarball (the chroot tests make one
/// with it, see BaseTarballCache): what it keeps, what it refuses, what a dead mirror leaves behind.
/// </summary>
public class PrepareEnvCommandTests
{
    [Fact]
    public void Should_keep_the_tarball_and_say_how_to_refresh_When_it_exists_and_refresh_is_not_asked()
    {
        // Arrange
        using var dir = new TempDir();
        var tarball = dir.Write("chroots/bookworm-amd64.tar", "an existing tarball");

        // Act
        var result = Cli.Run("builders", "prepare-env", "--dist", "bookworm", "--arch", "amd64", "--out", dir["chroots"]);

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{tarball}: kept", result.Stdout);
        Assert.Contains("--refresh", result.Stdout);
        Assert.Equal("an existing tarball", File.ReadAllText(tarball));
    }

    [Fact]
    public void Should_print_the_path_as_json_When_json_is_asked()
    {
        // Arrange
        using var dir = new TempDir();
        var tarball = dir.Write("chroots/bookworm-amd64.tar", "x");

        // Act
        var result = Cli.Run("builders", "prepare-env", "--dist", "bookworm", "--arch", "amd64", "--out", dir["chroots"], "--json");

        // Assert
        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal(tarball, json.RootElement.GetProperty("path").GetString());
        Assert.False(json.RootElement.GetProperty("made").GetBoolean());
    }

    [Theory]
    [InlineData("--dist", "../etc", "--dist needs a distribution codename")]
    [InlineData("--arch", "AMD64", "--arch needs a Debian architecture name")]
    public void Should_refuse_before_running_anything_When_a_name_is_not_plain(string option, string value, string message)
    {
        // Arrange
        using var dir = new TempDir();
        string[] args = ["builders", "prepare-env", "--dist", "bookworm", "--arch", "amd64", "--out", dir["chroots"]];
        args[Array.IndexOf(args, option) + 1] = value;

        // Act
        var result = Cli.Run(args);

        // Assert
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Stdout + result.Stderr);
        Assert.False(Directory.Exists(dir["chroots"]));
    }

    [Theory]
    [InlineData("../debhelper")]
    [InlineData("debhelper,evil")]
    [InlineData("Debhelper")]
    [InlineData("deb helper")]
    public void Should_refuse_before_running_anything_When_an_include_is_not_a_package_name(string include)
    {
        // Arrange: each name becomes part of one mmdebstrap argument, so an option or a list must not get through.
        using var dir = new TempDir();

        // Act
        var result = Cli.Run("builders", "prepare-env", "--dist", "bookworm", "--arch", "amd64", "--out", dir["chroots"],
            "--include", "debhelper", "--include", include);

        // Assert
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"--include needs a Debian package name such as debhelper, not '{include}'", result.Stdout + result.Stderr);
        Assert.False(Directory.Exists(dir["chroots"]));
    }

    [Fact]
    public void Should_fail_naming_the_mirror_and_keep_the_old_tarball_When_the_mirror_does_not_answer()
    {
        // Arrange: nothing listens on port 9 of the loopback.
        using var dir = new TempDir();
        var tarball = dir.Write("chroots/bookworm-amd64.tar", "the old tarball");

        // Act
        var result = Cli.Run("builders", "prepare-env", "--dist", "bookworm", "--arch", "amd64", "--out", dir["chroots"],
            "--mirror", "http://127.0.0.1:9/debian", "--refresh");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("mmdebstrap exited", result.Stderr);
        Assert.Contains("http://127.0.0.1:9/debian", result.Stderr);
        Assert.Equal("the old tarball", File.ReadAllText(tarball));
        Assert.Equal(["bookworm-amd64.tar"], Directory.GetFiles(dir["chroots"]).Select(Path.GetFileName));
    }
}
