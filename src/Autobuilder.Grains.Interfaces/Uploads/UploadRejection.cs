namespace Autobuilder.Grains;

/// <summary>
/// Why one check refused an upload, in the shape dak's checks give (daklib/checks.py): which
/// check, which file and field, what was expected and what was found, and the reason in an
/// uploader's words (<see cref="Reason"/> is what the mail, REJECTED.txt and <c>uploads show</c> print).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadRejection(
    [property: Id(0)] string Check,
    [property: Id(1)] string File,
    [property: Id(2)] string? Field,
    [property: Id(3)] string? Expected,
    [property: Id(4)] string? Found,
    [property: Id(5)] string Reason)
{
    public override string ToString() => Reason;
}

/// <summary>
/// Who the upload is from, as far as it could be verified: the account (the OpenPGP signer's, or
/// for an unsigned upload the account of the SSH/HTTP area it came through), how that was
/// established, the signer's primary key fingerprint, and the file whose signature was checked.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadIdentity(
    [property: Id(0)] string? Account,
    [property: Id(1)] string How,
    [property: Id(2)] string? SignerFingerprint,
    [property: Id(3)] string? SignedFile);
