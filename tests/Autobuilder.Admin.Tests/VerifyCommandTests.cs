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

/// <summary><c>deb verify</c> runs the garage's and the stage's acceptance lists offline, saying which checks need a running autobuilder.</summary>
public class VerifyCommandListTests
{
    [Fact]
    public void Should_run_the_garage_list_and_say_why_a_check_is_skipped_When_a_dsc_is_verified()
    {
        using var dir = new TempDir();
        var dsc = new SourcePackage().BuildSource(dir.Path);

        var result = Cli.Run("deb", "verify", dsc);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  ok        file-sums\n", result.Stdout);
        Assert.Contains("  skipped   version-newer: needs the upload registry of a running garage (the versions it accepted)\n", result.Stdout);
        Assert.Contains("  skipped   upload-right: needs the account directory of a running garage\n", result.Stdout);
    }

    [Fact]
    public void Should_name_the_check_file_field_expected_and_found_When_a_check_refuses()
    {
        using var dir = new TempDir();
        var dsc = new SourcePackage().BuildSource(dir.Path);
        var text = File.ReadAllText(dsc).Replace("Source: hello-ab", "Source: Hello-AB", StringComparison.Ordinal);
        File.WriteAllText(dsc, text);

        var result = Cli.Run("deb", "verify", dsc);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  REJECTED  source-name: source name 'Hello-AB' is not valid (Debian Policy 5.6.1: lower-case letters, digits, '+', '-', '.'; at least two characters)\n", result.Stdout);
        Assert.Contains("file hello-ab_1.0-1.dsc, field Source, expected lower-case letters, digits, '+', '-', '.', found Hello-AB", result.Stdout);
        Assert.Contains("  not run   version-newer (an earlier check refused)\n", result.Stdout);
    }

    [Fact]
    public void Should_run_the_stage_list_on_real_debs_When_stage_is_given()
    {
        using var dir = new TempDir();
        var changes = new StagePackage("ab-verify", WithAllPackage: true).Build(dir.Path);

        var result = Cli.Run("deb", "verify", changes, "--stage");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("the stage's checks", result.Stdout);
        Assert.Contains("  ok        binaries-from-source\n", result.Stdout);
        Assert.Contains("  skipped   version-newer: needs the distribution's package set (a running stage)\n", result.Stdout);
        Assert.Contains("  skipped   architecture-allowed: needs the stage's configuration of the repository (Autobuilder:Stage)\n", result.Stdout);
    }

    [Fact]
    public void Should_refuse_a_damaged_deb_without_reading_it_When_stage_is_given()
    {
        using var dir = new TempDir();
        var package = new StagePackage("ab-verify-bad");
        var changes = package.Build(dir.Path);
        File.WriteAllText(Path.Combine(dir.Path, package.DebName("ab-verify-bad", "amd64")), "not a deb");

        var result = Cli.Run("deb", "verify", changes, "--stage");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  REJECTED  file-sums: ab-verify-bad_1.0-1_amd64.deb: size mismatch: expected ", result.Stdout);
        Assert.DoesNotContain("binaries-readable: ", result.Stdout);
    }

    [Fact]
    public void Should_point_to_stage_When_a_changes_of_built_packages_is_verified_as_a_source_upload()
    {
        using var dir = new TempDir();
        var changes = new StagePackage("ab-verify-nodsc").Build(dir.Path);

        var result = Cli.Run("deb", "verify", changes);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("names 0 .dsc files; a source upload's .changes names one (for a .changes of built packages, add --stage)", result.Stderr);
    }
}
