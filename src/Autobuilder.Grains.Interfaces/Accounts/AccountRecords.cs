namespace Autobuilder.Grains;

/// <summary>
/// One uploader as the directory knows them. Login is the account's one name everywhere (SSH
/// upload area, HTTP basic login, rights, the upload's recorded uploader): a plain lower-case
/// word (<see cref="AccountNames"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AccountDetails(
    [property: Id(0)] string Login,
    [property: Id(1)] string RealName,
    [property: Id(2)] string Email,
    [property: Id(3)] bool Enabled,
    [property: Id(4)] IReadOnlyList<string> Groups,
    [property: Id(5)] IReadOnlyList<SshPublicKey> SshKeys,
    [property: Id(6)] IReadOnlyList<OpenPgpPublicKey> OpenPgpKeys,
    [property: Id(7)] IReadOnlyList<UploadRight> Rights,
    [property: Id(8)] IReadOnlyList<AccessTokenInfo> Tokens,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] string? DisabledReason);

/// <summary>A line of the account list.</summary>
[GenerateSerializer, Immutable]
public sealed record AccountSummary(
    [property: Id(0)] string Login,
    [property: Id(1)] string RealName,
    [property: Id(2)] string Email,
    [property: Id(3)] bool Enabled,
    [property: Id(4)] int SshKeys,
    [property: Id(5)] int OpenPgpKeys,
    [property: Id(6)] IReadOnlyList<string> Groups);

/// <summary>What <c>accounts add</c> sends.</summary>
[GenerateSerializer, Immutable]
public sealed record NewAccount(
    [property: Id(0)] string Login,
    [property: Id(1)] string RealName,
    [property: Id(2)] string Email,
    [property: Id(3)] IReadOnlyList<string> Groups);

/// <summary>
/// An SSH public key of an account. Fingerprint as OpenSSH prints it ("SHA256:" + unpadded base64
/// of the SHA-256 of the key blob), which is what sshd passes to AuthorizedKeysCommand as %f.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SshPublicKey(
    [property: Id(0)] string Fingerprint,
    [property: Id(1)] string Type,
    [property: Id(2)] string Base64Key,
    [property: Id(3)] string Comment,
    [property: Id(4)] DateTimeOffset AddedAt);

/// <summary>
/// An OpenPGP public key of an account: the primary key's fingerprint (40 upper-case hex digits;
/// gpgv's VALIDSIG names it last), its expiry, and the key as binary OpenPGP packets (what a
/// keyring file for gpgv is made of). Removed keys stay with <see cref="RemovedAt"/> set, so a
/// signature by one is refused with that reason rather than as an unknown key.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OpenPgpPublicKey(
    [property: Id(0)] string Fingerprint,
    [property: Id(1)] IReadOnlyList<string> UserIds,
    [property: Id(2)] DateTimeOffset? Expires,
    [property: Id(3)] byte[] Packets,
    [property: Id(4)] DateTimeOffset AddedAt,
    [property: Id(5)] DateTimeOffset? RemovedAt);

/// <summary>
/// A right to upload: <see cref="Subject"/> is a login or "@group"; <see cref="Repository"/> and
/// <see cref="Product"/> are names or "*". <see cref="Source"/>, when set, is a grant for one source
/// name that another account owns (source ownership on).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadRight(
    [property: Id(0)] string Subject,
    [property: Id(1)] string Repository,
    [property: Id(2)] string Product,
    [property: Id(3)] string? Source = null);

/// <summary>An HTTP token of an account as listed: never the secret (stored only as a hash).</summary>
[GenerateSerializer, Immutable]
public sealed record AccessTokenInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Note,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset? Expires,
    [property: Id(4)] DateTimeOffset? RevokedAt);

/// <summary>A new token: <see cref="Secret"/> is shown once, to the operator who made it.</summary>
[GenerateSerializer, Immutable]
public sealed record NewAccessToken(
    [property: Id(0)] AccessTokenInfo Info,
    [property: Id(1)] string Secret);

/// <summary>What a change did, in words for the console (and whether it changed anything).</summary>
[GenerateSerializer, Immutable]
public sealed record AccountChange(
    [property: Id(0)] bool Changed,
    [property: Id(1)] string Message);

/// <summary>
/// Who signed an upload, as the directory sees it: <see cref="Login"/>/<see cref="Email"/> when the
/// key belongs to an enabled account and is current at <c>signedAt</c>; otherwise
/// <see cref="Refusal"/> says why in an uploader's words, naming the key and (when known) the account
/// ("key 0123… of account jane was removed on 2026-11-30", "account jane is disabled: …",
/// "key 0123… expired on …", "no account has key 0123…").
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SignerLookup(
    [property: Id(0)] string? Login,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? Refusal);

/// <summary>The question intake asks before an upload is accepted.</summary>
[GenerateSerializer, Immutable]
public sealed record UploadPermissionRequest(
    [property: Id(0)] string Login,
    [property: Id(1)] string Repository,
    [property: Id(2)] string Product,
    [property: Id(3)] string Source);

/// <summary>
/// The answer: allowed, or a reason that names the account, the right missing and who can grant
/// it ("account jane may not upload to extras-devel/fremantle: an operator can grant it with
/// `autobuilder accounts grant jane extras-devel fremantle`").
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadPermission(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] string? Refusal);
