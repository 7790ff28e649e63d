using System.Globalization;
using Autobuilder.Grains;
using Autobuilder.Grains.Uploads;
using Microsoft.Data.Sqlite;

namespace Autobuilder.Silo.Uploads;

/// <summary>
/// The uploads' read model in role "all": one SQLite file in the data root's state/ (WAL, so the
/// pages read while the registries write). Times are stored as UTC ticks; the table and its indexes
/// (one per filter, each ending in the list's order) are made when the store first opens it.
/// </summary>
public sealed class SqliteUploadIndex : IUploadIndex
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lazy<Task> _created;

    public SqliteUploadIndex(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _created = new Lazy<Task>(CreateAsync);
    }

    private async Task CreateAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS uploads
            (
                id          TEXT    NOT NULL PRIMARY KEY,
                product     TEXT    NOT NULL,
                series      TEXT    NOT NULL,
                sequence    INTEGER NOT NULL,
                source      TEXT    NOT NULL,
                version     TEXT    NOT NULL,
                state       TEXT    NOT NULL,
                outcome     TEXT,
                received_at INTEGER NOT NULL,
                updated_at  INTEGER NOT NULL,
                last_reason TEXT    NOT NULL,
                settled     INTEGER NOT NULL,
                account     TEXT,
                latency     TEXT
            );
            CREATE INDEX IF NOT EXISTS uploads_received ON uploads (received_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS uploads_product ON uploads (product, received_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS uploads_source ON uploads (source, received_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS uploads_account ON uploads (account, received_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS uploads_state ON uploads (state, received_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS uploads_outcome ON uploads (outcome, received_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS uploads_series ON uploads (product, series, sequence);
            CREATE INDEX IF NOT EXISTS uploads_settled ON uploads (updated_at) WHERE settled = 1;
            """;
        await command.ExecuteNonQueryAsync();
        // The search's trigram index over id and last reason (FTS5, external content: the rows stay in
        // uploads, kept in step by triggers, joined by rowid: a VACUUM, which may renumber the rowids of
        // a table without an INTEGER PRIMARY KEY, would need a rebuild; nothing vacuums this file).
        // A file made before the index had none: filled once.
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'uploads_text'";
        var indexed = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0;
        command.CommandText = """
            CREATE VIRTUAL TABLE IF NOT EXISTS uploads_text USING fts5(id, last_reason, content = 'uploads', content_rowid = 'rowid', tokenize = 'trigram');
            CREATE TRIGGER IF NOT EXISTS uploads_text_insert AFTER INSERT ON uploads BEGIN
                INSERT INTO uploads_text (rowid, id, last_reason) VALUES (new.rowid, new.id, new.last_reason);
            END;
            CREATE TRIGGER IF NOT EXISTS uploads_text_delete AFTER DELETE ON uploads BEGIN
                INSERT INTO uploads_text (uploads_text, rowid, id, last_reason) VALUES ('delete', old.rowid, old.id, old.last_reason);
            END;
            CREATE TRIGGER IF NOT EXISTS uploads_text_update AFTER UPDATE OF id, last_reason ON uploads BEGIN
                INSERT INTO uploads_text (uploads_text, rowid, id, last_reason) VALUES ('delete', old.rowid, old.id, old.last_reason);
                INSERT INTO uploads_text (rowid, id, last_reason) VALUES (new.rowid, new.id, new.last_reason);
            END;
            """;
        await command.ExecuteNonQueryAsync();
        if (!indexed)
        {
            command.CommandText = "INSERT INTO uploads_text (uploads_text) VALUES ('rebuild')";
            await command.ExecuteNonQueryAsync();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        await _created.Value;
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public async Task SaveAsync(IReadOnlyCollection<UploadSummary> uploads, CancellationToken ct = default)
    {
        if (uploads.Count == 0)
            return;
        // One writer at a time (SQLite's rule), each batch one transaction.
        await _writer.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = """
                INSERT INTO uploads (id, product, series, sequence, source, version, state, outcome, received_at, updated_at, last_reason, settled, account, latency)
                VALUES (@id, @product, @series, @sequence, @source, @version, @state, @outcome, @received, @updated, @reason, @settled, @account, @latency)
                ON CONFLICT (id) DO UPDATE SET product = excluded.product, source = excluded.source, version = excluded.version, state = excluded.state,
                    outcome = excluded.outcome, received_at = excluded.received_at, updated_at = excluded.updated_at, last_reason = excluded.last_reason,
                    settled = excluded.settled, account = excluded.account, latency = excluded.latency
                """;
            var p = new Dictionary<string, SqliteParameter>();
            foreach (var name in new[] { "id", "product", "series", "sequence", "source", "version", "state", "outcome", "received", "updated", "reason", "settled", "account", "latency" })
                p[name] = command.Parameters.Add(new SqliteParameter("@" + name, null));
            command.Prepare();
            foreach (var u in uploads)
            {
                var (series, sequence) = UploadIndexRows.Parts(u.Id);
                p["id"].Value = u.Id;
                p["product"].Value = u.Product;
                p["series"].Value = series;
                p["sequence"].Value = sequence;
                p["source"].Value = u.Source;
                p["version"].Value = u.Version;
                p["state"].Value = u.State.ToString();
                p["outcome"].Value = (object?)u.Outcome?.ToString() ?? DBNull.Value;
                p["received"].Value = u.ReceivedAt.UtcTicks;
                p["updated"].Value = u.UpdatedAt.UtcTicks;
                p["reason"].Value = u.LastReason;
                p["settled"].Value = u.Settled ? 1 : 0;
                p["account"].Value = (object?)u.Account ?? DBNull.Value;
                p["latency"].Value = (object?)UploadIndexRows.Latency(u.Latency) ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task<UploadPage> QueryAsync(UploadQuery query, CancellationToken ct = default)
    {
        if (!UploadIndexRows.TryState(query.State, out var state))
            return new UploadPage([], false);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = UploadIndexRows.PageSql(query, state, Columns, t => t.UtcTicks, TextMatch, "@",
            (name, value) => command.Parameters.AddWithValue(name, value));
        var limit = UploadIndexRows.Limit(query);
        var rows = await ReadAsync(command, ct);
        return new UploadPage(rows.Take(limit).ToList(), rows.Count > limit);
    }

    /// <summary>
    /// Search: text of 3 characters or more through the trigram index (an FTS5 phrase of the text,
    /// quoted: a case-insensitive substring of the id or the last reason, as the LIKE it replaces),
    /// among the <see cref="UploadQuery.SearchWindow"/> matching rows recorded last: the index hands
    /// them newest row first and stops there, so a text in nearly every upload ("published") costs
    /// what a rare one does (all 90,000 matches of 100,000 uploads took 0.4 s to gather and sort).
    /// Shorter text, which no trigram can hold, by LIKE over the rows in list order.
    /// </summary>
    private static (string Clause, object Value) TextMatch(string text) =>
        text.EnumerateRunes().Count() >= 3
            ? ($"rowid IN (SELECT rowid FROM uploads_text WHERE uploads_text MATCH @text ORDER BY rowid DESC LIMIT {UploadQuery.SearchWindow})",
                "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")
            : ("(id LIKE @text ESCAPE '\\' OR last_reason LIKE @text ESCAPE '\\')", UploadIndexRows.Contains(text));

    public async Task<IReadOnlyList<UploadSummary>> SettledBetweenAsync(DateTimeOffset? after, DateTimeOffset before, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM uploads WHERE settled = 1 AND updated_at > @after AND updated_at <= @before ORDER BY updated_at, id LIMIT @limit";
        command.Parameters.AddWithValue("@after", after?.UtcTicks ?? long.MinValue);
        command.Parameters.AddWithValue("@before", before.UtcTicks);
        command.Parameters.AddWithValue("@limit", Math.Max(1, limit));
        return await ReadAsync(command, ct);
    }

    public async Task<int> LastSequenceAsync(string product, string source, string version, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(sequence), 0) FROM uploads WHERE product = @product AND series = @series";
        command.Parameters.AddWithValue("@product", product);
        command.Parameters.AddWithValue("@series", $"{source}_{version}");
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private const string Columns = "id, product, source, version, state, outcome, received_at, updated_at, last_reason, settled, account, latency";

    private static async Task<List<UploadSummary>> ReadAsync(SqliteCommand command, CancellationToken ct)
    {
        var rows = new List<UploadSummary>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rows.Add(new UploadSummary(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
                Enum.Parse<UploadState>(r.GetString(4)), r.IsDBNull(5) ? null : Enum.Parse<UploadState>(r.GetString(5)),
                new DateTimeOffset(r.GetInt64(6), TimeSpan.Zero), new DateTimeOffset(r.GetInt64(7), TimeSpan.Zero),
                r.GetString(8), r.GetInt64(9) != 0, UploadIndexRows.Latency(r.IsDBNull(11) ? null : r.GetString(11)), r.IsDBNull(10) ? null : r.GetString(10)));
        }
        return rows;
    }
}
