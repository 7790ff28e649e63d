namespace Autobuilder.Grains.Accounts;

/// <summary>
/// Where the directory keeps itself: a local file in role "all", PostgreSQL tables in a cluster
/// (the silo picks the one its grain state uses). The grain holds the whole directory in memory;
/// the store loads it once at activation and takes each change as a delta.
/// </summary>
public interface IAccountStore
{
    /// <summary>Everything stored, or an empty directory at version 0.</summary>
    Task<AccountStoreContents> LoadAsync(CancellationToken ct = default);

    /// <summary>Applies one change; durable when the task completes (the grain answers only then).</summary>
    Task SaveAsync(AccountStoreChange change, CancellationToken ct = default);
}

/// <summary>
/// An account as stored: its details (with <see cref="AccountDetails.Rights"/> empty: rights are
/// kept apart, since group rights belong to no one account) and its tokens' SHA-256 hashes by token id.
/// </summary>
public sealed record StoredAccount(AccountDetails Details, IReadOnlyDictionary<string, string> TokenHashes);

/// <summary>
/// An OpenPGP key of an account that was removed: kept for the keyring (gpgv checks the math,
/// the directory says why the signer is refused) and to name whose key it was.
/// </summary>
public sealed record FormerOpenPgpKey(string Login, DateTimeOffset AccountRemovedAt, OpenPgpPublicKey Key);

/// <summary>The whole directory as stored.</summary>
public sealed record AccountStoreContents(
    long Version,
    IReadOnlyList<StoredAccount> Accounts,
    IReadOnlyList<UploadRight> Rights,
    IReadOnlyDictionary<string, string> SourceOwners,
    IReadOnlyList<FormerOpenPgpKey> FormerKeys)
{
    public static AccountStoreContents Empty { get; } = new(0, [], [], new Dictionary<string, string>(), []);
}

/// <summary>
/// One change, as a delta: accounts written whole (added or changed), accounts removed, rights
/// granted and revoked, new source owners, keys of removed accounts. <see cref="Version"/> is the
/// directory's version after it.
/// </summary>
public sealed record AccountStoreChange(
    long Version,
    IReadOnlyList<StoredAccount> Upserted,
    IReadOnlyList<string> Removed,
    IReadOnlyList<UploadRight> Granted,
    IReadOnlyList<UploadRight> Revoked,
    IReadOnlyDictionary<string, string> NewOwners,
    IReadOnlyList<FormerOpenPgpKey> NewFormerKeys);
