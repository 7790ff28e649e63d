namespace Autobuilder.Grains.Services;

/// <summary>
/// Writes what other programs read from the directory, after every change and on
/// <c>accounts sync</c>: the OpenPGP keyring gpgv checks uploads against, the SSH key index that
/// AuthorizedKeysCommand answers from, and (file mode) the upload user's authorized_keys. The silo
/// implements it as a list of <see cref="IAccountSnapshotWriter"/>s; each replaces its files atomically.
/// </summary>
public interface IAccountPublisher
{
    Task PublishAsync(AccountSnapshot snapshot, CancellationToken ct = default);
}

/// <summary>One consumer's files (keyring, SSH key index, authorized_keys).</summary>
public interface IAccountSnapshotWriter
{
    Task WriteAsync(AccountSnapshot snapshot, CancellationToken ct = default);
}

/// <summary>The directory as published: every account (enabled or not) with its keys, and a version that grows with each change.</summary>
public sealed record AccountSnapshot(long Version, IReadOnlyList<AccountDetails> Accounts)
{
    /// <summary>
    /// OpenPGP keys of accounts that were removed (with the login they had). The keyring holds
    /// these too, as it holds removed and expired keys: gpgv checks the signature's math and the
    /// directory's FindSignerAsync says why such a signer is refused.
    /// </summary>
    public IReadOnlyList<Accounts.FormerOpenPgpKey> FormerOpenPgpKeys { get; init; } = [];

    /// <summary>What a separate drop host is sent: logins, enabled, SSH keys, and the products (no other field leaves the garage).</summary>
    public DropAccess ForDropHost(IReadOnlyList<string> products) =>
        new(Version, [.. products], [.. Accounts.Select(a => new DropAccount(a.Login, a.Enabled, [.. a.SshKeys]))]);

    /// <summary>The snapshot a drop host rebuilds from <paramref name="access"/>: the fields its writer reads, the others empty.</summary>
    public static AccountSnapshot FromDropAccess(DropAccess access) =>
        new(access.Version, [.. access.Accounts.Select(a => new AccountDetails(a.Login, "", "", a.Enabled, [], a.SshKeys, [], [], [], DateTimeOffset.UnixEpoch, null))]);
}
