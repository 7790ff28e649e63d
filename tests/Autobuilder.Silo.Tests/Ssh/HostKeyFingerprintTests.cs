using Autobuilder.Grains;

namespace Autobuilder.Silo.Tests.Ssh;

public sealed class HostKeyFingerprintTests
{
    private const string Bare = "ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og";

    [Theory]
    [InlineData("SHA256:" + Bare)]
    [InlineData(Bare)]
    [InlineData(Bare + "=")]
    [InlineData("sha256:" + Bare + "=")]
    [InlineData("  SHA256:" + Bare + " ")]
    public void Should_match_When_the_prefix_or_padding_differ(string configured)
    {
        Assert.True(HostKeyFingerprint.Matches(configured, Bare));
        Assert.Equal("SHA256:" + Bare, HostKeyFingerprint.Display(configured));
    }

    [Theory]
    [InlineData("SHA256:" + "ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Oh")]
    [InlineData("SHA256:" + "OHD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og")]
    public void Should_not_match_When_one_character_differs(string configured)
    {
        Assert.False(HostKeyFingerprint.Matches(configured, Bare));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48")]
    [InlineData("SHA256:short")]
    [InlineData("SHA256:" + "ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6O!")]
    public void Should_match_nothing_When_the_configured_value_is_not_a_sha256_fingerprint(string? configured)
    {
        Assert.Null(HostKeyFingerprint.Normalize(configured));
        Assert.False(HostKeyFingerprint.Matches(configured, configured));
    }
}
