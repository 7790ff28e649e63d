using Autobuilder.Debian.Versions;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Versions;

public class VersionParsingTests
{
    // Strings the strict Parse refuses, with a piece of the reason. Whether dpkg refuses them too
    // (exit 2) or only warns is checked against the real dpkg below.
    public static TheoryData<string, string> Invalid => new()
    {
        { "", "it is empty" },
        { "   ", "it is empty" },
        { "1 0", "space or tab" },
        { "1.0\t2", "space or tab" },
        { "1:", "nothing after the epoch" },
        { ":1", "epoch before ':' is empty" },
        { "a:1", "epoch 'a' is not a number" },
        { "1a:1", "epoch '1a' is not a number" },
        { "1.0-1:2", "epoch '1.0-1' is not a number" },
        { " -1:1", "epoch '-1' is negative" },
        { "2147483648:1", "too big" },
        { "99999999999999999999999:1", "too big" },
        { "1.0-", "revision is empty" },
        { "1:-1", "upstream version is empty" },
        { " -1", "upstream version is empty" },
        { "a1.0", "does not start with a digit" },
        { "1:.1", "does not start with a digit" },
        { "1.0_1", "character '_'" },
        { "1.0-a_b", "revision contains the character '_'" },
        { "1:1.0-a:b", "revision contains the character ':'" },
        { "1.0\n", "character '\\x0a'" },
        { "+1:1.0", "epoch '+1' is not a plain number" },
        { " 1.0", "spaces or tabs around it" },
        { "1.0\t", "spaces or tabs around it" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Should_refuse_with_the_quoted_string_and_the_reason_When_the_version_is_invalid(string text, string reason)
    {
        var ex = Assert.Throws<InvalidVersionException>(() => DebianVersion.Parse(text));
        var ok = DebianVersion.TryParse(text, out var version, out var error);

        Assert.StartsWith($"version '{text.Replace("\n", "\\x0a").Replace("\t", "\\x09")}' is invalid: ", ex.Message);
        Assert.Contains(reason, ex.Message);
        Assert.Equal(text, ex.Text);
        Assert.False(ok);
        Assert.Null(version);
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void Should_refuse_exactly_what_dpkg_refuses_When_parsing_like_dpkg()
    {
        var disagreements = new List<string>();
        // "" is left out: on dpkg's command line it means "no version", not a version string.
        foreach (var text in Invalid.Select(row => (string)row[0]).Where(t => t != ""))
        {
            var dpkg = Tool.Run("dpkg", "--compare-versions", text, "eq", "1");
            var dpkgRefuses = dpkg.ExitCode == 2;
            string? warning = null;
            var weRefuse = false;
            try
            {
                DebianVersion.ParseLikeDpkg(text, out warning);
            }
            catch (InvalidVersionException)
            {
                weRefuse = true;
            }
            if (dpkgRefuses != weRefuse)
                disagreements.Add($"'{text}': dpkg exit {dpkg.ExitCode}, we {(weRefuse ? "refuse" : "accept")}");
            else if (dpkg.Stderr.Contains("warning") && warning is null)
                disagreements.Add($"'{text}': dpkg warns ({dpkg.Stderr.Trim()}), we do not");
        }

        Assert.Empty(disagreements);
    }

    [Theory]
    [InlineData("abc", "does not start with a digit")]
    [InlineData("1.0_1", "character '_'")]
    [InlineData("+1:1.0", "not a plain number")]
    public void Should_parse_with_a_warning_When_dpkg_only_warns(string text, string reason)
    {
        var version = DebianVersion.ParseLikeDpkg(text, out var warning);

        Assert.Equal(text, version.ToString());
        Assert.NotNull(warning);
        Assert.Contains(reason, warning);
    }

    [Fact]
    public void Should_refuse_non_ascii_characters_When_parsing_like_dpkg()
    {
        // A deliberate difference: dpkg warns and compares the UTF-8 bytes.
        var ex = Assert.Throws<InvalidVersionException>(() => DebianVersion.ParseLikeDpkg("1.0é", out _));

        Assert.Contains("non-ASCII character U+00E9", ex.Message);
    }

    [Theory]
    [InlineData("1.0", 0, "1.0", "")]
    [InlineData("0:1.0", 0, "1.0", "")]
    [InlineData("1:2.30-1+b1", 1, "2.30", "1+b1")]
    [InlineData("2:1.0-rc1-2", 2, "1.0-rc1", "2")]
    [InlineData("1:2:3-4", 1, "2:3", "4")]
    [InlineData("2147483647:1", int.MaxValue, "1", "")]
    [InlineData("0000000000000000000001:1", 1, "1", "")]
    [InlineData("7.6p2-4", 0, "7.6p2", "4")]
    [InlineData("1.0~rc1+dfsg", 0, "1.0~rc1+dfsg", "")]
    public void Should_split_epoch_upstream_and_revision_When_the_version_is_valid(string text, int epoch, string upstream, string revision)
    {
        var version = DebianVersion.Parse(text);

        Assert.Equal(epoch, version.Epoch);
        Assert.Equal(upstream, version.Upstream);
        Assert.Equal(revision, version.Revision);
        Assert.Equal(text, version.ToString());
    }

    [Fact]
    public void Should_sort_null_before_every_version_When_compared()
    {
        var version = DebianVersion.Parse("0");

        Assert.True(version.CompareTo(null) > 0);
        Assert.True(null < version);
        Assert.False(version == null);
    }
}
