using System.Text;
using Autobuilder.Debian.Signing;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Signing;

/// <summary>
/// What an upload's verifier needs from gpgv beyond apt's good/bad: when a signature was made, and,
/// for a key that has expired by now, that the math was still good and whose key it was (the
/// account directory decides whether the key was current when it signed).
/// </summary>
public sealed class GpgvUploadFactsTests
{
    private const string Text = "Source: hello\nVersion: 1.0-1\n";

    private static string Keyring(TempDir dir, string home, string who)
    {
        var path = dir[$"{who}.gpg"];
        File.WriteAllBytes(path, Tool.RunBytes("gpg", ["--homedir", home, "--batch", "--export"]));
        return path;
    }

    [Fact]
    public void Should_give_the_signature_time_When_the_signature_is_valid()
    {
        using var dir = new TempDir("ab-gpgv-facts-");
        using var key = UploaderGpgKey.Create(dir["home"], "Jane <jane@example.org>");
        // A signature cannot predate its key (gpgv refuses it), so this one is made now, after a pause.
        Thread.Sleep(1100);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var result = new Gpgv(Keyring(dir, key.Home, "jane")).VerifyClearSigned(Encoding.UTF8.GetBytes(key.ClearSign(Text)));

        Assert.Equal(SignatureStatus.Valid, result.Status);
        Assert.InRange(result.SignedAt!.Value, before, DateTimeOffset.UtcNow);
        Assert.False(result.KeyExpired);
    }

    [Fact]
    public void Should_keep_the_fingerprint_and_time_When_the_key_has_expired_since_it_signed()
    {
        using var dir = new TempDir("ab-gpgv-facts-");
        var home = dir["home"];
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var made = DateTimeOffset.UtcNow.AddDays(-3);
        Tool.Run("gpg", "--homedir", home, "--batch", "--no-tty", "--faked-system-time", $"{made.ToUnixTimeSeconds()}!", "--pinentry-mode", "loopback",
            "--passphrase", "", "--quick-gen-key", "Old <old@example.org>", "ed25519", "sign", "2d").Ok();
        var fingerprint = Tool.Run("gpg", "--homedir", home, "--batch", "--with-colons", "--list-keys").Ok().Stdout
            .Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        var signedAt = DateTimeOffset.UtcNow.AddDays(-2);
        var input = dir.Write("in.txt", Text);
        Tool.Run("gpg", "--homedir", home, "--batch", "--no-tty", "--faked-system-time", $"{signedAt.ToUnixTimeSeconds()}!", "--pinentry-mode", "loopback",
            "--passphrase", "", "--local-user", fingerprint, "--output", dir["in.asc"], "--clearsign", input).Ok();
        var keyring = Keyring(dir, home, "old");

        var result = new Gpgv(keyring).VerifyClearSigned(dir["in.asc"]);
        var tampered = new Gpgv(keyring).VerifyClearSigned(Encoding.UTF8.GetBytes(File.ReadAllText(dir["in.asc"]).Replace("1.0-1", "1.0-2", StringComparison.Ordinal)));
        GpgAgents.Stop(home);

        // apt's answer stays "not good"; the upload's verifier gets the facts to ask its directory.
        Assert.Equal(SignatureStatus.Invalid, result.Status);
        Assert.True(result.KeyExpired);
        Assert.Equal(fingerprint, result.ExpiredKeyFingerprint);
        Assert.Equal(signedAt.ToUnixTimeSeconds(), result.SignedAt?.ToUnixTimeSeconds());
        Assert.Equal(Text, Encoding.UTF8.GetString(result.SignedData!));
        Assert.Equal(SignatureStatus.Invalid, tampered.Status);
        Assert.Null(tampered.ExpiredKeyFingerprint);
    }
}
