namespace Autobuilder.Debian.Signing;

/// <summary>
/// What gpgv said about a signature, read from its machine-readable status lines (gnupg's
/// doc/DETAILS, "Format of the --status-fd output").
/// </summary>
/// <param name="Fingerprint">The signer's primary key fingerprint (VALIDSIG's last field), when the signature is valid.</param>
/// <param name="KeyId">The long id of the key that made the signature (GOODSIG, BADSIG, ERRSIG), when gpgv named one.</param>
/// <param name="StatusLines">The "[GNUPG:]" lines as gpgv wrote them, for logs and error messages.</param>
public sealed record SignatureVerification(SignatureStatus Status, string? Fingerprint, string? KeyId, IReadOnlyList<string> StatusLines)
{
    public bool IsValid => Status == SignatureStatus.Valid;

    /// <summary>For a valid clear-signed message: the signed text exactly as gpgv extracted it. Null otherwise.</summary>
    public byte[]? SignedData { get; init; }

    /// <summary>When the signature says it was made (VALIDSIG's creation time): for a valid one, and for one by an expired key.</summary>
    public DateTimeOffset? SignedAt { get; init; }

    /// <summary>gpgv said the signing key has expired (EXPKEYSIG): <see cref="Status"/> is Invalid, as apt wants it.</summary>
    public bool KeyExpired { get; init; }

    /// <summary>
    /// For one signature whose math is good but whose key has expired by now: the primary key's
    /// fingerprint. An upload's verifier asks its directory whether the key was current when it signed.
    /// </summary>
    public string? ExpiredKeyFingerprint { get; init; }
}
