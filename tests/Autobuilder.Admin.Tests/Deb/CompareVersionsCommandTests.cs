using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests.Deb;

public class CompareVersionsCommandTests
{
    // Each row runs both our CLI and dpkg: the exit codes must be the same.
    [Theory]
    [InlineData("1.0~rc1-1", "lt", "1.0-1")]        // true
    [InlineData("1.0-1", "lt", "1.0~rc1-1")]        // false
    [InlineData("1.0", "eq", "1.00")]
    [InlineData("1:0.9", ">>", "2.0")]
    [InlineData("1.0", "<", "1.0")]                 // obsolete relation, still answered
    [InlineData("", "lt", "1.0")]                   // empty version is the oldest ...
    [InlineData("", "lt-nl", "1.0")]                // ... or the newest for -nl
    [InlineData("<unknown>", "gt-nl", "1.0")]
    [InlineData("abc", "lt", "1.0")]                // dpkg only warns, then compares
    [InlineData("1.0", "foo", "1.0")]               // bad relation
    [InlineData("1.0", "eq-nl", "1.0")]             // dpkg has no eq-nl
    [InlineData("1:", "lt", "1.0")]                 // bad version
    [InlineData("1.0", "lt", "1.0-")]
    public void Should_exit_like_dpkg_When_comparing_versions(string left, string relation, string right)
    {
        var dpkg = Tool.Run("dpkg", "--compare-versions", left, relation, right);

        var ours = Cli.Run("deb", "compare-versions", left, relation, right);

        Assert.Equal(dpkg.ExitCode, ours.ExitCode);
        Assert.Equal("", ours.Stdout);
    }

    [Fact]
    public void Should_print_one_error_line_naming_the_relation_When_the_relation_is_unknown()
    {
        var result = Cli.Run("deb", "compare-versions", "1.0", "LT", "1.1");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.Trim('\n').Split('\n'));
        Assert.StartsWith("autobuilder: error: unknown version relation 'LT'", result.Stderr);
    }

    [Fact]
    public void Should_print_one_error_line_quoting_the_version_When_dpkg_would_refuse_it()
    {
        var result = Cli.Run("deb", "compare-versions", "2147483648:1", "lt", "1.1");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("autobuilder: error: version '2147483648:1' is invalid: the epoch '2147483648' is too big (the largest is 2147483647)\n",
            result.Stderr);
    }

    [Fact]
    public void Should_warn_and_still_answer_When_dpkg_only_warns_about_the_version()
    {
        var result = Cli.Run("deb", "compare-versions", "1.0_1", "gt", "1.0");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("autobuilder: warning: version '1.0_1' is invalid:", result.Stderr);
    }

    [Fact]
    public void Should_exit_2_When_an_argument_is_missing()
    {
        var dpkg = Tool.Run("dpkg", "--compare-versions", "1.0", "lt");

        var result = Cli.Run("deb", "compare-versions", "1.0", "lt");

        Assert.Equal(dpkg.ExitCode, result.ExitCode);
        Assert.StartsWith("autobuilder: error:", result.Stderr);
    }
}
