using Autobuilder.Debian.Signing;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Signing;

/// <summary>OpenPGP keys made by the real gpg, read back through gpg: fingerprint, user id, expiry, and packets gpgv can use.</summary>
public sealed class OpenPgpPublicKeyFileTests
{
    [Fact]
    public void Should_read_fingerprint_user_id_and_expiry_When_given_an_armored_key_made_by_gpg()
    {
        using var dir = new TempDir("ab-pgpkey-");
        using var key = UploaderGpgKey.Create(dir["home"], "Jane Doe <jane@example.org>", "2y");

        var facts = OpenPgpPublicKeyFile.Read(System.Text.Encoding.UTF8.GetBytes(key.ArmoredPublicKey));

        Assert.Equal(key.Fingerprint, facts.Fingerprint);
        Assert.Equal(["Jane Doe <jane@example.org>"], facts.UserIds);
        Assert.NotNull(facts.Expires);
        Assert.InRange(facts.Expires!.Value, DateTimeOffset.UtcNow.AddDays(725), DateTimeOffset.UtcNow.AddDays(735));
        Assert.False(facts.Revoked);

        // The binary packets are a keyring gpgv verifies the key's signatures with.
        var keyring = dir.Write("keyring.gpg", "");
        File.WriteAllBytes(keyring, facts.Packets);
        var signed = dir.Write("signed.txt", key.ClearSign("hello\n"));
        Assert.Equal(0, Tool.Run("gpgv", "--keyring", keyring, signed).ExitCode);
    }

    [Fact]
    public void Should_read_a_binary_key_without_expiry()
    {
        using var dir = new TempDir("ab-pgpkey-");
        using var key = UploaderGpgKey.Create(dir["home"], "Bob <bob@example.org>");
        var binary = Tool.RunBytes("gpg", ["--homedir", key.Home, "--batch", "--export", key.Fingerprint]);

        var facts = OpenPgpPublicKeyFile.Read(binary);

        Assert.Equal(key.Fingerprint, facts.Fingerprint);
        Assert.Null(facts.Expires);
    }

    [Fact]
    public void Should_refuse_a_secret_key_two_keys_and_garbage_with_the_reason()
    {
        using var dir = new TempDir("ab-pgpkey-");
        using var one = UploaderGpgKey.Create(dir["one"], "One <one@example.org>");
        using var two = UploaderGpgKey.Create(dir["two"], "Two <two@example.org>");
        var secret = Tool.Run("gpg", ["--homedir", one.Home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--export-secret-keys", one.Fingerprint]).Ok().Stdout;

        var secretRefused = Assert.Throws<ArgumentException>(() => OpenPgpPublicKeyFile.Read(System.Text.Encoding.UTF8.GetBytes(secret)));
        var twoRefused = Assert.Throws<ArgumentException>(() => OpenPgpPublicKeyFile.Read(System.Text.Encoding.UTF8.GetBytes(one.ArmoredPublicKey + two.ArmoredPublicKey)));
        var garbage = Assert.Throws<ArgumentException>(() => OpenPgpPublicKeyFile.Read("not a key\n"u8.ToArray()));

        Assert.Contains("secret key", secretRefused.Message);
        Assert.Contains("one key at a time", twoRefused.Message);
        Assert.Contains(one.Fingerprint, twoRefused.Message);
        Assert.Contains("no OpenPGP", garbage.Message);
    }
}
