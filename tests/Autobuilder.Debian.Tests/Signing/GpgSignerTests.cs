using System.Text;
using Autobuilder.Debian.Signing;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Signing;

public sealed class GpgSignerTests
{
    [Fact]
    public void Should_sign_with_SHA512_When_clear_signing()
    {
        using var key = new TestKey();

        var signed = Encoding.UTF8.GetString(key.Signer.ClearSign(Encoding.UTF8.GetBytes("Origin: x\n")));

        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n", signed);
    }

    [Fact]
    public void Should_write_an_armored_SHA512_signature_When_detach_signing()
    {
        using var key = new TestKey();
        using var dir = new TempDir();
        var sig = dir["Release.gpg"];

        File.WriteAllBytes(sig, key.Signer.DetachSign(Encoding.UTF8.GetBytes("Origin: x\n")));

        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", File.ReadAllText(sig));
        // gpg's packet dump names the digest: "digest algo 10" is SHA512 (RFC 4880 §9.4).
        var dump = Tool.Run("gpg", "--homedir", key.Home, "--batch", "--list-packets", sig).Ok().Stdout;
        Assert.Contains("digest algo 10", dump);
    }

    [Fact]
    public void Should_throw_with_gpg_message_When_key_is_not_in_the_home()
    {
        using var key = new TestKey();
        var signer = new GpgSigner(key.Home, "0000000000000000000000000000000000000000");

        var ex = Assert.Throws<SigningException>(() => signer.ClearSign(Encoding.UTF8.GetBytes("x\n")));

        Assert.Contains("0000000000000000000000000000000000000000", ex.Message);
    }
}
