namespace Autobuilder.Acceptance;

/// <summary>What gpgv said about the upload's signature, as the upload checks need it.</summary>
public enum SignatureOutcome
{
    /// <summary>Neither the .changes nor the .dsc is clear-signed.</summary>
    Unsigned,

    /// <summary>
    /// The math is good (gpgv VALIDSIG) for a key of the directory's keyring. Whether that key and
    /// its account may sign at <see cref="UploadSignature.SignedAt"/> is the directory's word.
    /// </summary>
    Good,

    /// <summary>A signature is there but is not good: changed text (BADSIG), a revoked key, unusable data, two signers.</summary>
    Bad,

    /// <summary>Signed by a key the directory's keyring does not hold.</summary>
    UnknownKey,
}

/// <summary>
/// The upload's signature as the silo's inspector found it with gpgv (grains run no processes):
/// <see cref="File"/> is the file checked (the .changes when there is one, else the .dsc),
/// <see cref="Fingerprint"/> the primary key's fingerprint (for Good), <see cref="KeyId"/> the key
/// gpgv named, <see cref="Detail"/> what was wrong, in words (for Bad and UnknownKey).
/// </summary>
public sealed record UploadSignature(
    string File,
    SignatureOutcome Outcome,
    string? Fingerprint,
    string? KeyId,
    DateTimeOffset? SignedAt,
    string Detail);

/// <summary>The OpenPGP policy of a repository ("Autobuilder:Uploaders:Signatures", per repository in RepositorySignatures).</summary>
public enum SignaturePolicy
{
    /// <summary>Every upload must be signed by a current key of an enabled account.</summary>
    Required,

    /// <summary>An unsigned upload is taken; a signed one must be good.</summary>
    Optional,

    /// <summary>Signatures are not asked for (the quick start); a bad one still rejects.</summary>
    None,
}

/// <summary>The uploaders' settings the checks apply (from Autobuilder:Uploaders, for the upload's repository).</summary>
public sealed record UploaderPolicy(
    SignaturePolicy Signatures,
    bool RequireRights,
    bool SourceOwnership,
    double SignatureMaxAgeDays,
    double SignatureMaxFutureDays);
