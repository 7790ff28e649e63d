namespace Autobuilder.Testing;

/// <summary>
/// An uploader's OpenPGP key made by a test with the real gpg, in its own GNUPGHOME (never the
/// user's): ed25519, no passphrase, optionally with an expiry, optionally made and used at a faked
/// time (gpg's --faked-system-time) so a test can have a key that has expired or a signature that
/// is old. Signs files as debsign does (clear signature over the whole file, SHA-512).
/// </summary>
public sealed class UploaderKey : IDisposable
{
    private readonly TempDir _dir;

    /// <param name="expires">gpg's expiry argument ("never", "1d", "2026-12-01"…).</param>
    /// <param name="madeAt">When the key says it was made (gpg --faked-system-time); now when null.</param>
    public UploaderKey(string userId, string expires = "never", DateTimeOffset? madeAt = null)
    {
        _dir = new TempDir("ab-uploader-gpg-");
        Home = _dir["gnupg"];
        Directory.CreateDirectory(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Gpg(madeAt, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", userId, "ed25519", "sign", expires);
        Fingerprint = Gpg(null, "--with-colons", "--list-keys").Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        PublicKey = Tool.RunBytes("gpg", ["--homedir", Home, "--batch", "--export", Fingerprint]);
    }

    public string Home { get; }
    public string Fingerprint { get; }
    public string KeyId => Fingerprint[^16..];

    /// <summary>The public key, binary (what the directory's <c>accounts key add</c> takes).</summary>
    public byte[] PublicKey { get; }

    /// <summary>Writes the public key to a file (for the console) and returns its path.</summary>
    public string ExportTo(string path)
    {
        File.WriteAllBytes(path, PublicKey);
        return path;
    }

    /// <summary>Clear-signs <paramref name="path"/> in place (debsign), as of <paramref name="at"/> when given.</summary>
    public void SignInPlace(string path, DateTimeOffset? at = null)
    {
        var signed = path + ".asc";
        File.Delete(signed);
        Gpg(at, "--pinentry-mode", "loopback", "--passphrase", "", "--local-user", Fingerprint, "--digest-algo", "SHA512",
            "--output", signed, "--clearsign", path);
        File.Move(signed, path, overwrite: true);
    }

    public string Gpg(DateTimeOffset? at, params string[] args)
    {
        var all = new List<string> { "--homedir", Home, "--batch", "--no-tty" };
        if (at is { } t)
            all.AddRange(["--faked-system-time", $"{t.ToUnixTimeSeconds()}!"]);
        all.AddRange(args);
        return Tool.Run("gpg", all).Ok().Stdout;
    }

    public void Dispose()
    {
        GpgAgents.Stop(Home);
        _dir.Dispose();
    }
}
