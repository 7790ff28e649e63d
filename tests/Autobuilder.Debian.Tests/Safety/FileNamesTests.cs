using Autobuilder.Debian.Safety;

namespace Autobuilder.Debian.Tests.Safety;

public class FileNamesTests
{
    [Theory]
    [InlineData("hello_1.0.orig.tar.gz")]
    [InlineData("gconf-cleaner_0.0.3-1.dsc")]
    [InlineData("lib+foo_1:2.0~rc1.tar.xz")]
    public void Should_accept_plain_names(string name) => Assert.True(FileNames.IsSafe(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("../evil", "path separator")]
    [InlineData("a/b", "path separator")]
    [InlineData("..", "not a file name")]
    [InlineData(".", "not a file name")]
    [InlineData("a..b", "'..'")]
    [InlineData("a\\b", "path separator")]
    [InlineData("a\0b", "control character")]
    [InlineData("a\nb", "control character")]
    [InlineData("a\u001b[31mb", "control character")]
    [InlineData("-rf", "starts with '-'")]
    public void Should_reject_unsafe_names_with_the_reason(string name, string reason)
    {
        var ex = Assert.Throws<UnsafeFileNameException>(() => FileNames.Require(name, "x.dsc"));

        Assert.Contains(reason, ex.Message);
        Assert.DoesNotContain("\u001b", ex.Message);
    }

    [Fact]
    public void Should_reject_overlong_names()
    {
        Assert.Contains("longer than 255", FileNames.Problem(new string('a', 256)));
        Assert.Null(FileNames.Problem(new string('a', 255)));
    }
}
