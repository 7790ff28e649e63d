using System.Text;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Signing;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Signing;

public sealed class GpgvTests : IClassFixture<GpgvTests.Keys>
{
    /// <summary>Two keys made once for the class: generating is fast, but not free.</summary>
    public sealed class Keys : IDisposable
    {
        public TestKey Signer { get; } = new("Signer <signer@example.org>");
        public TestKey Stranger { get; } = new("Stranger <stranger@example.org>");

        public void Dispose()
        {
            Signer.Dispose();
            Stranger.Dispose();
        }
    }

    private const string ReleaseText = "Origin: Autobuilder\nSuite: unstable\nDescription: test\n";
    private readonly Keys _keys;

    public GpgvTests(Keys keys) => _keys = keys;

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Should_report_valid_with_fingerprint_When_clear_signed_by_a_key_in_the_keyring()
    {
        using var dir = new TempDir();
        var file = dir["InRelease"];
        File.WriteAllBytes(file, _keys.Signer.Signer.ClearSign(Bytes(ReleaseText)));

        var result = new Gpgv(_keys.Signer.PublicKeyring).VerifyClearSigned(file);

        Assert.Equal(SignatureStatus.Valid, result.Status);
        Assert.Equal(_keys.Signer.Fingerprint, result.Fingerprint);
        Assert.Equal(_keys.Signer.KeyId, result.KeyId);
        Assert.Equal(ReleaseText, Encoding.UTF8.GetString(result.SignedData!));
    }

    [Fact]
    public void Should_report_valid_When_detached_signature_matches_the_data()
    {
        using var dir = new TempDir();
        var data = dir.Write("Release", ReleaseText);
        File.WriteAllBytes(dir["Release.gpg"], _keys.Signer.Signer.DetachSign(Bytes(ReleaseText)));

        var result = new Gpgv(_keys.Signer.PublicKeyring).VerifyDetached(dir["Release.gpg"], data);

        Assert.Equal(SignatureStatus.Valid, result.Status);
        Assert.Equal(_keys.Signer.Fingerprint, result.Fingerprint);
        Assert.Null(result.SignedData);
    }

    [Fact]
    public void Should_report_invalid_When_clear_signed_text_was_changed()
    {
        var signed = Encoding.UTF8.GetString(_keys.Signer.Signer.ClearSign(Bytes(ReleaseText)));
        var tampered = signed.Replace("Suite: unstable", "Suite: unstablE", StringComparison.Ordinal);
        Assert.NotEqual(signed, tampered);

        var result = new Gpgv(_keys.Signer.PublicKeyring).VerifyClearSigned(Bytes(tampered));

        Assert.Equal(SignatureStatus.Invalid, result.Status);
        Assert.Equal(_keys.Signer.KeyId, result.KeyId);
        Assert.Null(result.Fingerprint);
        Assert.Null(result.SignedData);
        Assert.Contains(result.StatusLines, l => l.StartsWith("[GNUPG:] BADSIG", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_report_invalid_When_detached_data_was_changed()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["Release.gpg"], _keys.Signer.Signer.DetachSign(Bytes(ReleaseText)));
        var data = dir.Write("Release", ReleaseText + "Codename: sid\n");

        var result = new Gpgv(_keys.Signer.PublicKeyring).VerifyDetached(dir["Release.gpg"], data);

        Assert.Equal(SignatureStatus.Invalid, result.Status);
    }

    [Fact]
    public void Should_report_unknown_key_When_signer_is_not_in_the_keyring()
    {
        var signed = _keys.Stranger.Signer.ClearSign(Bytes(ReleaseText));

        var result = new Gpgv(_keys.Signer.PublicKeyring).VerifyClearSigned(signed);

        Assert.Equal(SignatureStatus.UnknownKey, result.Status);
        Assert.Equal(_keys.Stranger.KeyId, result.KeyId);
        Assert.Null(result.Fingerprint);
    }

    [Fact]
    public void Should_report_unsigned_When_file_has_no_signature()
    {
        var result = new Gpgv(_keys.Signer.PublicKeyring).VerifyClearSigned(Bytes(ReleaseText));

        Assert.Equal(SignatureStatus.Unsigned, result.Status);
        Assert.Null(result.KeyId);
    }

    [Fact]
    public void Should_accept_any_listed_keyring_When_several_are_given()
    {
        var signed = _keys.Stranger.Signer.ClearSign(Bytes(ReleaseText));

        var result = new Gpgv([_keys.Signer.PublicKeyring, _keys.Stranger.PublicKeyring]).VerifyClearSigned(signed);

        Assert.Equal(SignatureStatus.Valid, result.Status);
        Assert.Equal(_keys.Stranger.Fingerprint, result.Fingerprint);
    }

    [Fact]
    public void Should_throw_When_keyring_file_is_missing()
    {
        using var dir = new TempDir();

        Assert.Throws<FileNotFoundException>(() => new Gpgv(dir["nothing.gpg"]).VerifyClearSigned(Bytes(ReleaseText)));
    }

    // What gpgv extracts must be exactly what our parser reads as signed, or a parser could act on
    // text the signature does not cover. Inputs: trailing whitespace (not covered by the signature),
    // dash-escaped lines, no final newline, blank lines at both ends.
    [Theory]
    [InlineData("Origin: x\nLabel: y\n")]
    [InlineData("Origin: x\nLabel: y")]
    [InlineData("Origin: x  \nLabel:\ty\t\n")]
    [InlineData("-a\n--b\n- c\nFrom x\n")]
    [InlineData("\n\nOrigin: x\n\n")]
    [InlineData("Files:\n 0123 4 a.dsc\n   \n")]
    public void Should_extract_the_same_signed_text_as_gpgv_When_parsing_a_clear_signed_message(string text)
    {
        var signed = _keys.Signer.Signer.ClearSign(Bytes(text));

        var byGpgv = new Gpgv(_keys.Signer.PublicKeyring).VerifyClearSigned(signed);
        Assert.True(ClearSignedMessage.TryParse(Encoding.UTF8.GetString(signed), "test", out var ours));

        Assert.Equal(SignatureStatus.Valid, byGpgv.Status);
        Assert.Equal(Encoding.UTF8.GetString(byGpgv.SignedData!), ours.SignedText);
    }

    [Fact]
    public void Should_extract_the_same_text_as_gpgv_up_to_line_ends_When_message_has_crlf_lines()
    {
        var signed = _keys.Signer.Signer.ClearSign(Bytes("Origin: x \r\nLabel: y\r\n"));

        var byGpgv = new Gpgv(_keys.Signer.PublicKeyring).VerifyClearSigned(signed);
        Assert.True(ClearSignedMessage.TryParse(Encoding.UTF8.GetString(signed), "test", out var ours));

        // gpgv keeps the "\r" it was given; we end every line in "\n". Both are the same signed text.
        Assert.Equal(Encoding.UTF8.GetString(byGpgv.SignedData!).Replace("\r\n", "\n", StringComparison.Ordinal), ours.SignedText);
    }
}
