namespace Autobuilder.Debian.Signing;

/// <summary>The outcome of checking an OpenPGP signature against a keyring.</summary>
public enum SignatureStatus
{
    /// <summary>A good signature by a key in the keyring (gpgv GOODSIG and VALIDSIG).</summary>
    Valid,

    /// <summary>A signature that does not match the data (BADSIG), or one gpgv could not use (expired or revoked key, unusable data).</summary>
    Invalid,

    /// <summary>Signed by a key that is not in the keyring (NO_PUBKEY, or ERRSIG with reason 9).</summary>
    UnknownKey,

    /// <summary>No OpenPGP signature at all (NODATA).</summary>
    Unsigned,
}
