using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests;

public class VerifyCommandTests
{
    [Fact]
    public void Should_exit_0_and_say_so_When_every_file_matches()
    {
        using var dir = new TempDir();
        var dsc = new SourcePackage().BuildSource(dir.Path);

        var result = Cli.Run("deb", "verify", dsc);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("all 2 files present", result.Stdout);
    }

    [Fact]
    public void Should_print_each_problem_and_exit_1_When_files_are_damaged()
    {
        using var dir = new TempDir();
        var changes = new SourcePackage().BuildSourceChanges(dir.Path);
        File.Delete(dir["hello-ab_1.0.orig.tar.gz"]);
        File.AppendAllText(dir["hello-ab_1.0-1.dsc"], " ");

        var result = Cli.Run("deb", "verify", changes);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("hello-ab_1.0.orig.tar.gz: missing", result.Stdout);
        Assert.Contains("hello-ab_1.0-1.dsc: size mismatch", result.Stdout);
    }

    [Theory]
    [InlineData("Source: x\nno colon\n", true, "expected 'Field: value'")]
    [InlineData("Source: x\nVersion: 1\n", false, "required field 'Files' is missing")]
    public void Should_print_one_clear_line_and_exit_2_When_the_file_is_malformed(string content, bool namesLine2, string problem)
    {
        using var dir = new TempDir();
        var dsc = dir.Write("bad_1.dsc", content);

        var result = Cli.Run("deb", "verify", dsc);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("autobuilder: error: ", line);
        Assert.Contains(problem, line);
        if (namesLine2)
            Assert.Contains(":2:", line);
    }

    [Fact]
    public void Should_say_the_file_is_missing_When_it_does_not_exist()
    {
        var result = Cli.Run("deb", "verify", "/nonexistent/x.dsc");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("x.dsc", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
