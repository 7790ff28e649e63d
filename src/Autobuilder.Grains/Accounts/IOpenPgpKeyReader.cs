namespace Autobuilder.Grains.Accounts;

/// <summary>
/// Reads an OpenPGP public key (armored or binary) for the directory; the silo does it with gpg.
/// A key that is not exactly one public key is an <see cref="ArgumentException"/> saying why.
/// </summary>
public interface IOpenPgpKeyReader
{
    Task<OpenPgpKeyRead> ReadAsync(byte[] key, CancellationToken ct = default);
}

/// <summary>One key as gpg read it: primary fingerprint (40 upper-case hex digits), user ids, expiry, revocation, binary packets.</summary>
public sealed record OpenPgpKeyRead(string Fingerprint, IReadOnlyList<string> UserIds, DateTimeOffset? Expires, bool Revoked, byte[] Packets);
