using Autobuilder.Debian.Signing;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Signing;

/// <summary>
/// A throwaway ed25519 signing key in its own GNUPGHOME (never the user's keyring), with its
/// public half exported as a binary keyring for gpgv and apt's signed-by. Disposing stops the
/// gpg-agent gpg started for that home and removes the folder.
/// </summary>
public sealed class TestKey : IDisposable
{
    private readonly TempDir _dir;

    public TestKey(string userId = "Autobuilder Test <test@example.org>")
    {
        _dir = new TempDir("ab-gpg-");
        Home = _dir["gnupg"];
        // gpg warns about a home others can read; the Debian tools these tests need exist only on Unix anyway.
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("gpg test keys need a Unix system");
        Directory.CreateDirectory(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Gpg("--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", userId, "ed25519", "sign", "never");
        var colons = Gpg("--with-colons", "--list-keys");
        Fingerprint = colons.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        PublicKeyring = _dir["public.gpg"];
        File.WriteAllBytes(PublicKeyring, Tool.RunBytes("gpg", ["--homedir", Home, "--batch", "--export", Fingerprint]));
    }

    public string Home { get; }
    public string Fingerprint { get; }

    /// <summary>The long key id: the fingerprint's last 16 hex digits (what GOODSIG and NO_PUBKEY name).</summary>
    public string KeyId => Fingerprint[^16..];

    /// <summary>The exported public key, binary (what <c>gpg --export</c> writes).</summary>
    public string PublicKeyring { get; }

    public GpgSigner Signer => new(Home, Fingerprint);

    public string Gpg(params string[] args) => Tool.Run("gpg", ["--homedir", Home, "--batch", .. args]).Ok().Stdout;

    public void Dispose()
    {
        Tool.Run("gpgconf", "--homedir", Home, "--kill", "all");
        _dir.Dispose();
    }
}
