using System.Data;
using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Grains.Accounts;
using Autobuilder.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Autobuilder.Silo.Accounts;

/// <summary>
/// The directory in a cluster: the tables of schema script 0004-accounts (applied by
/// <c>autobuilder db init</c>). Loaded in one repeatable-read transaction; each change is one
/// transaction that first moves <c>account_directory.version</c> from the version the change was
/// made from (so a second writer — a garage started twice — fails instead of mixing its changes in),
/// then rewrites the changed accounts' rows. Rows go in as arrays through <c>unnest</c>, one
/// statement per table whatever the size of the change: an import of 10,000 accounts is a dozen
/// statements, not 30,000.
/// </summary>
public sealed class PostgresAccountStore(string connectionString, ILogger? logger = null) : IAccountStore
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    // The directory grain answers other silos (the web, the console, intake): a driver error leaves as DatabaseException.
    public Task<AccountStoreContents> LoadAsync(CancellationToken ct = default) =>
        DatabaseBoundary.RunAsync(() => LoadCoreAsync(ct), "loading the account directory", _logger);

    public Task SaveAsync(AccountStoreChange change, CancellationToken ct = default) =>
        DatabaseBoundary.RunAsync(() => SaveCoreAsync(change, ct), $"saving the account directory at version {change.Version}", _logger);

    private async Task<AccountStoreContents> LoadCoreAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

        long version;
        try
        {
            await using var read = new NpgsqlCommand("SELECT version FROM account_directory WHERE id = 1", connection, tx);
            version = (long)(await read.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException("account_directory has no row"));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new InvalidOperationException("the database has no account tables: run 'autobuilder db init' with this autobuilder's version", ex);
        }

        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await ReadAsync(connection, tx, "SELECT login, group_name FROM account_groups ORDER BY login, group_name", r =>
            Add(groups, r.GetString(0), r.GetString(1)), ct);
        var ssh = new Dictionary<string, List<SshPublicKey>>(StringComparer.Ordinal);
        await ReadAsync(connection, tx, "SELECT fingerprint, login, key_type, key_base64, comment, added_at FROM account_ssh_keys ORDER BY login, position", r =>
            Add(ssh, r.GetString(1), new SshPublicKey(r.GetString(0), r.GetString(2), r.GetString(3), r.GetString(4), Time(r, 5))), ct);
        var openPgp = new Dictionary<string, List<OpenPgpPublicKey>>(StringComparer.Ordinal);
        var former = new List<FormerOpenPgpKey>();
        await ReadAsync(connection, tx,
            "SELECT fingerprint, login, user_ids::text, expires, packets, added_at, removed_at, account_removed_at FROM account_openpgp_keys ORDER BY login, position, fingerprint", r =>
            {
                var key = new OpenPgpPublicKey(r.GetString(0), JsonSerializer.Deserialize<List<string>>(r.GetString(2)) ?? [], TimeOrNull(r, 3),
                    r.GetFieldValue<byte[]>(4), Time(r, 5), TimeOrNull(r, 6));
                if (TimeOrNull(r, 7) is { } accountRemoved)
                    former.Add(new FormerOpenPgpKey(r.GetString(1), accountRemoved, key));
                else
                    Add(openPgp, r.GetString(1), key);
            }, ct);
        var tokens = new Dictionary<string, List<AccessTokenInfo>>(StringComparer.Ordinal);
        var hashes = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        await ReadAsync(connection, tx, "SELECT login, token_id, note, created_at, expires, revoked_at, token_hash FROM account_tokens ORDER BY login, position", r =>
        {
            var login = r.GetString(0);
            Add(tokens, login, new AccessTokenInfo(r.GetString(1), r.GetString(2), Time(r, 3), TimeOrNull(r, 4), TimeOrNull(r, 5)));
            if (!hashes.TryGetValue(login, out var map))
                hashes[login] = map = new Dictionary<string, string>(StringComparer.Ordinal);
            map[r.GetString(1)] = r.GetString(6);
        }, ct);
        var accounts = new List<StoredAccount>();
        await ReadAsync(connection, tx, "SELECT login, real_name, email, enabled, disabled_reason, created_at FROM accounts ORDER BY login", r =>
        {
            var login = r.GetString(0);
            var details = new AccountDetails(login, r.GetString(1), r.GetString(2), r.GetBoolean(3),
                groups.GetValueOrDefault(login) ?? [], ssh.GetValueOrDefault(login) ?? [], openPgp.GetValueOrDefault(login) ?? [], [],
                tokens.GetValueOrDefault(login) ?? [], Time(r, 5), r.IsDBNull(4) ? null : r.GetString(4));
            accounts.Add(new StoredAccount(details, hashes.GetValueOrDefault(login) ?? new Dictionary<string, string>(StringComparer.Ordinal)));
        }, ct);
        var rights = new List<UploadRight>();
        await ReadAsync(connection, tx, "SELECT subject, repository, product, source FROM upload_rights", r =>
            rights.Add(new UploadRight(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3).Length == 0 ? null : r.GetString(3))), ct);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        await ReadAsync(connection, tx, "SELECT source, login FROM source_owners", r => owners[r.GetString(0)] = r.GetString(1), ct);
        await tx.CommitAsync(ct);
        return new AccountStoreContents(version, accounts, rights, owners, former);
    }

    private async Task SaveCoreAsync(AccountStoreChange change, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        var moved = await ExecuteAsync(connection, tx, "UPDATE account_directory SET version = @next WHERE id = 1 AND version = @previous", ct,
            ("next", change.Version), ("previous", change.Version - 1));
        if (moved != 1)
        {
            throw new InvalidOperationException(
                $"the account directory in PostgreSQL is not at version {change.Version - 1}: another garage changed it; this one reloads");
        }

        if (change.Removed.Count > 0)
            await ExecuteAsync(connection, tx, "DELETE FROM accounts WHERE login = ANY(@logins)", ct, ("logins", change.Removed.ToArray()));
        if (change.NewFormerKeys.Count > 0)
        {
            var f = change.NewFormerKeys;
            await ExecuteAsync(connection, tx, """
                INSERT INTO account_openpgp_keys (fingerprint, login, user_ids, expires, packets, added_at, removed_at, account_removed_at, position)
                SELECT f, l, u::jsonb, e, p, a, r, x, 0 FROM unnest(@f, @l, @u, @e, @p, @a, @r, @x) AS t(f, l, u, e, p, a, r, x)
                ON CONFLICT (fingerprint) DO UPDATE SET login = excluded.login, user_ids = excluded.user_ids, expires = excluded.expires,
                    packets = excluded.packets, added_at = excluded.added_at, removed_at = excluded.removed_at, account_removed_at = excluded.account_removed_at
                """, ct,
                ("f", f.Select(k => k.Key.Fingerprint).ToArray()), ("l", f.Select(k => k.Login).ToArray()),
                ("u", f.Select(k => JsonSerializer.Serialize(k.Key.UserIds)).ToArray()), ("e", f.Select(k => Utc(k.Key.Expires)).ToArray()),
                ("p", f.Select(k => k.Key.Packets).ToArray()), ("a", f.Select(k => Utc(k.Key.AddedAt)).ToArray()),
                ("r", f.Select(k => Utc(k.Key.RemovedAt)).ToArray()), ("x", f.Select(k => Utc(k.AccountRemovedAt)).ToArray()));
        }
        if (change.Upserted.Count > 0)
            await UpsertAccountsAsync(connection, tx, change.Upserted, ct);
        if (change.Revoked.Count > 0)
        {
            var r = change.Revoked;
            await ExecuteAsync(connection, tx, """
                DELETE FROM upload_rights WHERE (subject, repository, product, source) IN (SELECT * FROM unnest(@s, @r, @p, @o))
                """, ct, ("s", r.Select(x => x.Subject).ToArray()), ("r", r.Select(x => x.Repository).ToArray()),
                ("p", r.Select(x => x.Product).ToArray()), ("o", r.Select(x => x.Source ?? "").ToArray()));
        }
        if (change.Granted.Count > 0)
        {
            var g = change.Granted;
            await ExecuteAsync(connection, tx, """
                INSERT INTO upload_rights (subject, repository, product, source) SELECT * FROM unnest(@s, @r, @p, @o) ON CONFLICT DO NOTHING
                """, ct, ("s", g.Select(x => x.Subject).ToArray()), ("r", g.Select(x => x.Repository).ToArray()),
                ("p", g.Select(x => x.Product).ToArray()), ("o", g.Select(x => x.Source ?? "").ToArray()));
        }
        if (change.NewOwners.Count > 0)
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO source_owners (source, login) SELECT * FROM unnest(@s, @l) ON CONFLICT (source) DO UPDATE SET login = excluded.login
                """, ct, ("s", change.NewOwners.Keys.ToArray()), ("l", change.NewOwners.Values.ToArray()));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Each changed account's row is replaced, and its groups, SSH keys, tokens and current OpenPGP keys with it.</summary>
    private static async Task UpsertAccountsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<StoredAccount> upserted, CancellationToken ct)
    {
        var details = upserted.Select(a => a.Details).ToList();
        var logins = details.Select(d => d.Login).ToArray();
        // Children first, all of them: a key that moved between two changed accounts is gone before it is inserted again.
        await ExecuteAsync(connection, tx, "DELETE FROM account_groups WHERE login = ANY(@l)", ct, ("l", logins));
        await ExecuteAsync(connection, tx, "DELETE FROM account_ssh_keys WHERE login = ANY(@l)", ct, ("l", logins));
        await ExecuteAsync(connection, tx, "DELETE FROM account_tokens WHERE login = ANY(@l)", ct, ("l", logins));
        await ExecuteAsync(connection, tx, "DELETE FROM account_openpgp_keys WHERE login = ANY(@l) AND account_removed_at IS NULL", ct, ("l", logins));

        await ExecuteAsync(connection, tx, """
            INSERT INTO accounts (login, real_name, email, enabled, disabled_reason, created_at)
            SELECT * FROM unnest(@l, @n, @e, @on, @why, @at)
            ON CONFLICT (login) DO UPDATE SET real_name = excluded.real_name, email = excluded.email, enabled = excluded.enabled,
                disabled_reason = excluded.disabled_reason, created_at = excluded.created_at
            """, ct, ("l", logins), ("n", details.Select(d => d.RealName).ToArray()), ("e", details.Select(d => d.Email).ToArray()),
            ("on", details.Select(d => d.Enabled).ToArray()), ("why", details.Select(d => d.DisabledReason).ToArray()),
            ("at", details.Select(d => Utc(d.CreatedAt)).ToArray()));

        var groups = details.SelectMany(d => d.Groups.Select(g => (d.Login, g))).ToList();
        if (groups.Count > 0)
        {
            await ExecuteAsync(connection, tx, "INSERT INTO account_groups (login, group_name) SELECT * FROM unnest(@l, @g)", ct,
                ("l", groups.Select(x => x.Login).ToArray()), ("g", groups.Select(x => x.g).ToArray()));
        }
        var ssh = details.SelectMany(d => d.SshKeys.Select((k, i) => (d.Login, k, i))).ToList();
        if (ssh.Count > 0)
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO account_ssh_keys (fingerprint, login, key_type, key_base64, comment, added_at, position) SELECT * FROM unnest(@f, @l, @t, @k, @c, @a, @i)
                """, ct, ("f", ssh.Select(x => x.k.Fingerprint).ToArray()), ("l", ssh.Select(x => x.Login).ToArray()),
                ("t", ssh.Select(x => x.k.Type).ToArray()), ("k", ssh.Select(x => x.k.Base64Key).ToArray()),
                ("c", ssh.Select(x => x.k.Comment).ToArray()), ("a", ssh.Select(x => Utc(x.k.AddedAt)).ToArray()), ("i", ssh.Select(x => x.i).ToArray()));
        }
        var openPgp = details.SelectMany(d => d.OpenPgpKeys.Select((k, i) => (d.Login, k, i))).ToList();
        if (openPgp.Count > 0)
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO account_openpgp_keys (fingerprint, login, user_ids, expires, packets, added_at, removed_at, account_removed_at, position)
                SELECT f, l, u::jsonb, e, p, a, r, NULL, i FROM unnest(@f, @l, @u, @e, @p, @a, @r, @i) AS t(f, l, u, e, p, a, r, i)
                ON CONFLICT (fingerprint) DO UPDATE SET login = excluded.login, user_ids = excluded.user_ids, expires = excluded.expires,
                    packets = excluded.packets, added_at = excluded.added_at, removed_at = excluded.removed_at, account_removed_at = NULL,
                    position = excluded.position
                """, ct, ("f", openPgp.Select(x => x.k.Fingerprint).ToArray()), ("l", openPgp.Select(x => x.Login).ToArray()),
                ("u", openPgp.Select(x => JsonSerializer.Serialize(x.k.UserIds)).ToArray()), ("e", openPgp.Select(x => Utc(x.k.Expires)).ToArray()),
                ("p", openPgp.Select(x => x.k.Packets).ToArray()), ("a", openPgp.Select(x => Utc(x.k.AddedAt)).ToArray()),
                ("r", openPgp.Select(x => Utc(x.k.RemovedAt)).ToArray()), ("i", openPgp.Select(x => x.i).ToArray()));
        }
        var tokens = upserted.SelectMany(a => a.Details.Tokens.Select((t, i) => (a.Details.Login, t, Hash: a.TokenHashes.GetValueOrDefault(t.Id) ?? "", i))).ToList();
        if (tokens.Count > 0)
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO account_tokens (login, token_id, note, created_at, expires, revoked_at, token_hash, position) SELECT * FROM unnest(@l, @i, @n, @c, @e, @r, @h, @o)
                """, ct, ("l", tokens.Select(x => x.Login).ToArray()), ("i", tokens.Select(x => x.t.Id).ToArray()),
                ("n", tokens.Select(x => x.t.Note).ToArray()), ("c", tokens.Select(x => Utc(x.t.CreatedAt)).ToArray()),
                ("e", tokens.Select(x => Utc(x.t.Expires)).ToArray()), ("r", tokens.Select(x => Utc(x.t.RevokedAt)).ToArray()),
                ("h", tokens.Select(x => x.Hash).ToArray()), ("o", tokens.Select(x => x.i).ToArray()));
        }
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task ReadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, Action<NpgsqlDataReader> row, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            row(reader);
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string login, T value)
    {
        if (!map.TryGetValue(login, out var list))
            map[login] = list = [];
        list.Add(value);
    }

    // timestamptz is UTC; Npgsql writes only UTC DateTimes to it.
    private static DateTime Utc(DateTimeOffset t) => t.UtcDateTime;

    private static DateTime? Utc(DateTimeOffset? t) => t?.UtcDateTime;

    private static DateTimeOffset Time(NpgsqlDataReader r, int i) => new(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc));

    private static DateTimeOffset? TimeOrNull(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : Time(r, i);
}
