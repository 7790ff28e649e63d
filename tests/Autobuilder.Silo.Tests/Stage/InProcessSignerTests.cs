using System.Text;
using Autobuilder.Debian.Signing;
using Autobuilder.Silo.Stage.Publishing;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// The silo signs Release files in process; what it writes must be what the real gpgv accepts and
/// what gpg itself would have signed: the same signed text out of InRelease, for the keys an
/// operator may configure (the generated ed25519 key; an RSA key with a passphrase and a signing subkey).
/// </summary>
public sealed class InProcessSignerTests : IDisposable
{
    // A Release-like text with what clear-signing must take care of: a line starting with '-'
    // (dash-escaped), trailing blanks (not signed), a non-ASCII description.
    private const string Text = "Origin: Autobuilder\nLabel: extras  \nSuite: bookworm\nDescription: Ümlauts and -dashes\n-Odd: line\t\nSHA256:\n 0123 42 main/binary-amd64/Packages\n";

    private readonly TempDir _dir = new("ab-signer-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_write_signatures_gpgv_accepts_When_signing_with_the_generated_ed25519_key()
    {
        var home = Home("ed");
        var fingerprint = GpgKeys.FindOrCreate(home, "Autobuilder test <ed@example.org>");

        var signer = Load(home, fingerprint, passphraseFile: null);

        AssertGpgvAccepts(home, fingerprint, signer, keyringOf: fingerprint);
    }

    [Fact]
    public void Should_sign_with_the_signing_subkey_When_the_key_is_rsa_with_a_passphrase()
    {
        var home = Home("rsa");
        var passphraseFile = _dir.Write("rsa-pass", "s3cret words\nsecond line is not read\n");
        Gpg(home, "--passphrase", "s3cret words", "--quick-gen-key", "Archive <rsa@example.org>", "rsa2048", "cert", "never");
        var primary = Fingerprints(home)[0];
        Gpg(home, "--passphrase", "s3cret words", "--quick-add-key", primary, "rsa2048", "sign", "never");
        Gpg(home, "--passphrase", "s3cret words", "--quick-add-key", primary, "rsa2048", "encr", "never");
        var subkeys = Fingerprints(home);

        var signer = Load(home, primary, passphraseFile);

        var detached = AssertGpgvAccepts(home, primary, signer, keyringOf: primary);
        // Made by the signing subkey (gpg's choice too), not the certify-only primary nor the newer encryption subkey.
        Assert.Contains($"VALIDSIG {subkeys[1]}", detached);
    }

    [Fact]
    public void Should_refuse_with_a_reason_When_the_passphrase_is_wrong()
    {
        var home = Home("wrong");
        Gpg(home, "--passphrase", "right", "--quick-gen-key", "Archive <wrong@example.org>", "ed25519", "sign", "never");
        var fingerprint = Fingerprints(home)[0];
        var exported = GpgKeys.ExportSecret(home, fingerprint, _dir.Write("right", "right\n"));
        Assert.NotNull(exported);

        var signer = InProcessSigner.Load(exported, fingerprint, "wrong", out var why);

        Assert.Null(signer);
        Assert.False(string.IsNullOrWhiteSpace(why));
    }

    private string Home(string name)
    {
        var home = _dir[name];
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return home;
    }

    private static InProcessSigner Load(string home, string key, string? passphraseFile)
    {
        var exported = GpgKeys.ExportSecret(home, key, passphraseFile);
        Assert.NotNull(exported);
        var passphrase = passphraseFile is null ? null : File.ReadLines(passphraseFile).First();
        var signer = InProcessSigner.Load(exported, key, passphrase, out var why);
        Assert.True(signer is not null, why);
        return signer;
    }

    /// <summary>gpgv accepts both signatures, and InRelease carries the same text gpg's own clear-signing gives back.</summary>
    private string AssertGpgvAccepts(string home, string key, InProcessSigner signer, string keyringOf)
    {
        var data = Encoding.UTF8.GetBytes(Text);
        var release = _dir.Write($"{key}.Release", Text);
        var keyring = _dir[$"{key}.keyring.gpg"];
        GpgKeys.ExportPublic(home, keyringOf, keyring);

        var detached = _dir[$"{key}.Release.gpg"];
        File.WriteAllBytes(detached, signer.DetachSign(data));
        var checkedDetached = Tool.Run("gpgv", "--status-fd", "1", "--keyring", keyring, detached, release).Ok();

        var inRelease = _dir[$"{key}.InRelease"];
        File.WriteAllBytes(inRelease, signer.ClearSign(data));
        var ours = _dir[$"{key}.ours.out"];
        Tool.Run("gpgv", "--keyring", keyring, "--output", ours, inRelease).Ok();

        var theirsSigned = _dir[$"{key}.gpg.InRelease"];
        var passphrase = home.EndsWith("rsa", StringComparison.Ordinal) ? "s3cret words" : "";
        Gpg(home, "--passphrase", passphrase, "--digest-algo", "SHA512", "--local-user", key, "--output", theirsSigned, "--clearsign", release);
        var theirs = _dir[$"{key}.theirs.out"];
        Tool.Run("gpgv", "--keyring", keyring, "--output", theirs, theirsSigned).Ok();

        Assert.Equal(File.ReadAllBytes(theirs), File.ReadAllBytes(ours));
        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n", File.ReadAllText(inRelease));
        Assert.Contains("\n- -Odd: line\t\n", File.ReadAllText(inRelease));
        return checkedDetached.Stdout;
    }

    private static void Gpg(string home, params string[] args) =>
        Tool.Run("gpg", ["--homedir", home, "--batch", "--no-tty", "--pinentry-mode", "loopback", .. args]).Ok();

    private static List<string> Fingerprints(string home) =>
        Tool.Run("gpg", "--homedir", home, "--batch", "--with-colons", "--list-secret-keys").Ok().Stdout
            .Split('\n').Where(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Select(l => l.Split(':')[9]).ToList();
}
