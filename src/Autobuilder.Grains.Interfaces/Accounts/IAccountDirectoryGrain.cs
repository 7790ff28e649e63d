using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The account directory (key 0, on the garage): uploaders, their SSH and OpenPGP keys, groups,
/// upload rights, source ownership and HTTP tokens. Every change is durable before it answers
/// (PostgreSQL tables in a cluster, local durable storage in role "all") and is then published
/// to the silo's files that sshd and gpgv read (<see cref="Services.IAccountPublisher"/>).
/// Logins in arguments are checked against <see cref="AccountNames"/>; a bad one is an
/// <see cref="ArgumentException"/> whose message the console prints.
/// </summary>
public interface IAccountDirectoryGrain : IGrainWithIntegerKey
{
    [Reader] Task<IReadOnlyList<AccountSummary>> ListAsync();

    [Reader] Task<AccountDetails?> GetAsync(string login);

    [Operator] Task<AccountChange> AddAsync(NewAccount account);

    [Operator] Task<AccountChange> SetEnabledAsync(string login, bool enabled, string reason);

    /// <summary>Removes the account and its keys, tokens and rights (its uploads keep its name).</summary>
    [Operator] Task<AccountChange> RemoveAsync(string login);

    [Operator] Task<AccountChange> SetGroupsAsync(string login, IReadOnlyList<string> groups);

    /// <summary>One line as in authorized_keys ("ssh-ed25519 AAAA… comment"); options are refused.</summary>
    [Operator] Task<AccountChange> AddSshKeyAsync(string login, string publicKeyLine);

    /// <summary>An OpenPGP public key, armored or binary; exactly one primary key.</summary>
    [Operator] Task<AccountChange> AddOpenPgpKeyAsync(string login, byte[] key);

    /// <summary>Removes an SSH key (SHA256:… fingerprint) or an OpenPGP key (hex fingerprint).</summary>
    [Operator] Task<AccountChange> RemoveKeyAsync(string login, string fingerprint);

    [Operator] Task<AccountChange> GrantAsync(UploadRight right);

    [Operator] Task<AccountChange> RevokeAsync(UploadRight right);

    [Operator] Task<NewAccessToken> AddTokenAsync(string login, string note, DateTimeOffset? expires);

    [Operator] Task<AccountChange> RevokeTokenAsync(string login, string tokenId);

    /// <summary>Writes the published files again now (<c>accounts sync</c>; also on a timer).</summary>
    [Operator] Task<AccountChange> SyncAsync();

    /// <summary>
    /// Takes in a whole directory (<c>accounts import</c>): adds or updates accounts, adds their
    /// keys and the rights; one save and one publication for all of it. Bad items are skipped with
    /// their reason, the rest goes in.
    /// </summary>
    [Operator] Task<ImportReport> ImportAsync(AccountImport import);

    /// <summary>Every group with its members and the rights granted to it.</summary>
    [Reader] Task<IReadOnlyList<AccountGroup>> GroupsAsync();

    /// <summary>Who owns an OpenPGP primary key, and whether it may sign at <paramref name="signedAt"/>.</summary>
    [SiloOnly] Task<SignerLookup> FindSignerAsync(string primaryFingerprint, DateTimeOffset signedAt);

    /// <summary>
    /// Whether the account may upload this source to this repository and product. With source
    /// ownership on, the first allowed upload of a source name makes its uploader the owner.
    /// </summary>
    [SiloOnly] Task<UploadPermission> AuthorizeUploadAsync(UploadPermissionRequest request);

    /// <summary>The account's login when the token is one of its current tokens and the account is enabled; else null.</summary>
    [SiloOnly] Task<string?> VerifyTokenAsync(string login, string token);

    /// <summary>The account that owns source <paramref name="source"/> (its first allowed uploader, Uploaders:SourceOwnership), or null (the QA ladder: who may request and who may not vote).</summary>
    [Reader] Task<string?> GetSourceOwnerAsync(string source);

    /// <summary>Enabled accounts' e-mail address (null when unknown or disabled): where upload mail goes.</summary>
    [SiloOnly] Task<string?> GetEmailAsync(string login);

    /// <summary>What a separate drop host needs of the directory (its SSH keys and areas): asked by a drop silo at start and on its timer.</summary>
    [SiloOnly] Task<DropAccess> GetDropAccessAsync();
}
