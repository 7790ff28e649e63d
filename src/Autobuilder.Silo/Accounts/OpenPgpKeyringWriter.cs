using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Storage;

namespace Autobuilder.Silo.Accounts;

/// <summary>
/// The keyring uploads are checked against: <c>&lt;data root&gt;/accounts/keyring.gpg</c>, the
/// binary public keys of the directory one after another (what <c>gpgv --keyring</c> reads),
/// replaced atomically. It holds EVERY OpenPGP key the directory knows — removed keys, keys of
/// disabled and of removed accounts, expired keys — so that gpgv always checks the signature's
/// math and names the key, and the directory (FindSignerAsync) says why such a signer is refused,
/// instead of every one of those uploads being "signed by an unknown key".
/// </summary>
public sealed class OpenPgpKeyringWriter(DataPaths paths) : IAccountSnapshotWriter
{
    public Task WriteAsync(AccountSnapshot snapshot, CancellationToken ct = default)
    {
        using var content = new MemoryStream();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in snapshot.Accounts.SelectMany(a => a.OpenPgpKeys))
        {
            if (seen.Add(key.Fingerprint))
                content.Write(key.Packets);
        }
        foreach (var former in snapshot.FormerOpenPgpKeys)
        {
            if (seen.Add(former.Key.Fingerprint))
                content.Write(former.Key.Packets);
        }
        DurableFile.Write(paths.AccountsKeyring, content.GetBuffer().AsSpan(0, (int)content.Length));
        return Task.CompletedTask;
    }
}
