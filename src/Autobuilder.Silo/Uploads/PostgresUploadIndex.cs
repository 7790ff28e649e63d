using Autobuilder.Grains;
using Autobuilder.Grains.Uploads;
using Npgsql;
using NpgsqlTypes;

namespace Autobuilder.Silo.Uploads;

/// <summary>
/// The uploads' read model in a cluster: the table of schema script 0005-uploads (applied by
/// <c>autobuilder db init</c>). A batch goes in as arrays through <c>unnest</c>: one statement
/// whatever its size.
/// </summary>
public sealed class PostgresUploadIndex(string connectionString) : IUploadIndex
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public async Task SaveAsync(IReadOnlyCollection<UploadSummary> uploads, CancellationToken ct = default)
    {
        if (uploads.Count == 0)
            return;
        var u = uploads.ToList();
        var parts = u.Select(x => UploadIndexRows.Parts(x.Id)).ToList();
        await using var command = _source.CreateCommand("""
            INSERT INTO uploads (id, product, series, sequence, source, version, state, outcome, received_at, updated_at, last_reason, settled, account, latency)
            SELECT i, p, se, sq, so, v, st, o, r, up, re, s, a, l::jsonb
            FROM unnest(@i, @p, @se, @sq, @so, @v, @st, @o, @r, @up, @re, @s, @a, @l) AS t(i, p, se, sq, so, v, st, o, r, up, re, s, a, l)
            ON CONFLICT (id) DO UPDATE SET product = excluded.product, source = excluded.source, version = excluded.version, state = excluded.state,
                outcome = excluded.outcome, received_at = excluded.received_at, updated_at = excluded.updated_at, last_reason = excluded.last_reason,
                settled = excluded.settled, account = excluded.account, latency = excluded.latency
            """);
        command.Parameters.AddWithValue("i", u.Select(x => x.Id).ToArray());
        command.Parameters.AddWithValue("p", u.Select(x => x.Product).ToArray());
        command.Parameters.AddWithValue("se", parts.Select(x => x.Series).ToArray());
        command.Parameters.AddWithValue("sq", parts.Select(x => x.Sequence).ToArray());
        command.Parameters.AddWithValue("so", u.Select(x => x.Source).ToArray());
        command.Parameters.AddWithValue("v", u.Select(x => x.Version).ToArray());
        command.Parameters.AddWithValue("st", u.Select(x => x.State.ToString()).ToArray());
        command.Parameters.Add(new NpgsqlParameter("o", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = u.Select(x => x.Outcome?.ToString()).ToArray() });
        command.Parameters.AddWithValue("r", u.Select(x => x.ReceivedAt.UtcDateTime).ToArray());
        command.Parameters.AddWithValue("up", u.Select(x => x.UpdatedAt.UtcDateTime).ToArray());
        command.Parameters.AddWithValue("re", u.Select(x => x.LastReason).ToArray());
        command.Parameters.AddWithValue("s", u.Select(x => x.Settled).ToArray());
        command.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = u.Select(x => x.Account).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("l", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = u.Select(x => UploadIndexRows.Latency(x.Latency)).ToArray() });
        try
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new InvalidOperationException("the database has no uploads table: run 'autobuilder db init' with this autobuilder's version", ex);
        }
    }

    public async Task<UploadPage> QueryAsync(UploadQuery query, CancellationToken ct = default)
    {
        if (!UploadIndexRows.TryState(query.State, out var state))
            return new UploadPage([], false);
        await using var command = _source.CreateCommand();
        command.CommandText = UploadIndexRows.PageSql(query, state, Columns, t => t.UtcDateTime, text => ("(id ILIKE @text OR last_reason ILIKE @text)", UploadIndexRows.Contains(text)), "",
            (name, value) => command.Parameters.AddWithValue(name, value));
        var limit = UploadIndexRows.Limit(query);
        var rows = await ReadAsync(command, ct);
        return new UploadPage(rows.Take(limit).ToList(), rows.Count > limit);
    }

    public async Task<IReadOnlyList<UploadSummary>> SettledBetweenAsync(DateTimeOffset? after, DateTimeOffset before, int limit, CancellationToken ct = default)
    {
        await using var command = _source.CreateCommand(
            $"SELECT {Columns} FROM uploads WHERE settled AND updated_at > @after AND updated_at <= @before ORDER BY updated_at, id LIMIT @limit");
        command.Parameters.AddWithValue("after", (after ?? DateTimeOffset.UnixEpoch).UtcDateTime);
        command.Parameters.AddWithValue("before", before.UtcDateTime);
        command.Parameters.AddWithValue("limit", Math.Max(1, limit));
        return await ReadAsync(command, ct);
    }

    public async Task<int> LastSequenceAsync(string product, string source, string version, CancellationToken ct = default)
    {
        await using var command = _source.CreateCommand("SELECT COALESCE(MAX(sequence), 0) FROM uploads WHERE product = @product AND series = @series");
        command.Parameters.AddWithValue("product", product);
        command.Parameters.AddWithValue("series", $"{source}_{version}");
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    private const string Columns = "id, product, source, version, state, outcome, received_at, updated_at, last_reason, settled, account, latency::text";

    private static async Task<List<UploadSummary>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var rows = new List<UploadSummary>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rows.Add(new UploadSummary(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
                Enum.Parse<UploadState>(r.GetString(4)), r.IsDBNull(5) ? null : Enum.Parse<UploadState>(r.GetString(5)),
                Time(r, 6), Time(r, 7), r.GetString(8), r.GetBoolean(9),
                UploadIndexRows.Latency(r.IsDBNull(11) ? null : r.GetString(11)), r.IsDBNull(10) ? null : r.GetString(10)));
        }
        return rows;
    }

    private static DateTimeOffset Time(NpgsqlDataReader r, int i) => new(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc));
}
