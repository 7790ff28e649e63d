using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Tests.Control;

public class ClearSignedMessageTests
{
    private const string Signed = """
        -----BEGIN PGP SIGNED MESSAGE-----
        Hash: SHA512

        Format: 3.0 (quilt)
        Source: hello
        - -----dash escaped line
        -----BEGIN PGP SIGNATURE-----

        iQEzBAEBCgAdFiEE
        =abcd
        -----END PGP SIGNATURE-----

        """;

    [Fact]
    public void Should_extract_the_signed_text_and_undo_dash_escaping()
    {
        Assert.True(ClearSignedMessage.TryParse(Signed, "t", out var m));

        Assert.Equal("Format: 3.0 (quilt)\nSource: hello\n-----dash escaped line\n", m.SignedText);
        Assert.Equal(["Hash: SHA512"], m.ArmorHeaders);
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", m.Signature);
    }

    [Fact]
    public void Should_return_false_When_the_text_is_not_signed()
    {
        Assert.False(ClearSignedMessage.TryParse("Source: hello\n", "t", out _));
    }

    [Fact]
    public void Should_refuse_text_outside_the_signature_When_it_follows_the_signed_block()
    {
        var ex = Assert.Throws<ControlFileException>(() => ClearSignedMessage.TryParse(Signed + "Source: evil\n", "t.dsc", out _));

        Assert.Contains("not covered", ex.Message);
    }

    [Fact]
    public void Should_report_a_missing_signature_When_the_block_is_cut()
    {
        var cut = Signed[..Signed.IndexOf("-----BEGIN PGP SIGNATURE", StringComparison.Ordinal)];

        var ex = Assert.Throws<ControlFileException>(() => ClearSignedMessage.TryParse(cut, "t.dsc", out _));

        Assert.Contains("BEGIN PGP SIGNATURE", ex.Message);
    }
}
