namespace Autobuilder.Debian.Signing;

/// <summary>
/// Signs a Release file the two ways apt reads it: clear-signed (InRelease) and as an
/// ASCII-armored detached signature (Release.gpg). Both are OpenPGP (RFC 4880) signatures with
/// SHA-512 that gpgv checks; who computes them — a gpg process or the process itself — is the
/// implementation's business.
/// </summary>
public interface IArchiveSigner
{
    /// <summary>The signing key's fingerprint (or configured id).</summary>
    string KeyId { get; }

    /// <summary>The clear-signed form of <paramref name="data"/> (what InRelease holds).</summary>
    byte[] ClearSign(ReadOnlyMemory<byte> data);

    /// <summary>An ASCII-armored detached signature over <paramref name="data"/> (what Release.gpg holds).</summary>
    byte[] DetachSign(ReadOnlyMemory<byte> data);
}
