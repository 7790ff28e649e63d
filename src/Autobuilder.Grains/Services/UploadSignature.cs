using Autobuilder.Debian.Checksums;

namespace Autobuilder.Grains.Services;

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

/// <summary>
/// The .changes that came with the upload (dput's unit): its name and fields, the files it lists
/// with their sums, and the sums intake computed over the very bytes it copied (the .dsc's too),
/// so the checks compare them without reading a file.
/// </summary>
public sealed record UploadChangesFacts(
    string FileName,
    string Source,
    string Version,
    IReadOnlyList<string> Architectures,
    IReadOnlyList<FileEntry> Files,
    IReadOnlyDictionary<string, ChecksumSet> Computed,
    string? ChangedBy);
