using System.Text.Json;
using Autobuilder.Grains;

namespace Autobuilder.Silo.Uploads;

/// <summary>What both stores of the uploads' read model share: the row's derived columns and the filters' normal form.</summary>
internal static class UploadIndexRows
{
    /// <summary>"source_version" and the sequence number of an id "product/source_version/sequence".</summary>
    public static (string Series, int Sequence) Parts(string id)
    {
        var parts = id.Split('/');
        return (parts.Length > 1 ? parts[1] : "", parts.Length > 2 && int.TryParse(parts[2], out var n) ? n : 0);
    }

    public static string? Latency(UploadLatency? latency) => latency is null ? null : JsonSerializer.Serialize(latency);

    public static UploadLatency? Latency(string? json) => json is null ? null : JsonSerializer.Deserialize<UploadLatency>(json);

    /// <summary>
    /// The state filter as the stored name, or false when it names no state (nothing can match).
    /// Null: no state filter.
    /// </summary>
    public static bool TryState(string? filter, out string? state)
    {
        state = null;
        if (filter is not { Length: > 0 })
            return true;
        if (!Enum.TryParse<UploadState>(filter, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(filter, out _))
            return false;
        state = parsed.ToString();
        return true;
    }

    /// <summary>A LIKE pattern matching <paramref name="text"/> anywhere ('\' escapes the wildcards).</summary>
    public static string Contains(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    public static int Limit(UploadQuery q) => Math.Clamp(q.Limit, 1, UploadQuery.MaxLimit);

    public static int Offset(UploadQuery q) => Math.Max(0, q.Offset);

    /// <summary>
    /// The SELECT of one page of <paramref name="query"/> (newest first, one row more than the page to
    /// tell whether another follows), its filters handed to <paramref name="add"/> as parameters.
    /// What differs between the stores is passed in: how a time is stored, the case-insensitive text
    /// match (its clause on the parameter @text and that parameter's value), and how a parameter is named.
    /// </summary>
    public static string PageSql(UploadQuery query, string? state, string columns, Func<DateTimeOffset, object> time, Func<string, (string Clause, object Value)> textMatch,
        string parameterPrefix, Action<string, object> add)
    {
        var where = new List<string>();
        void Filter(string clause, string name, object value)
        {
            where.Add(clause);
            add(parameterPrefix + name, value);
        }
        if (query.Product is { Length: > 0 } product)
            Filter("product = @product", "product", product);
        if (query.Source is { Length: > 0 } source)
            Filter("source = @source", "source", source);
        if (query.Uploader is { Length: > 0 } uploader)
            Filter("account = @account", "account", uploader);
        if (query.Since is { } since)
            Filter("received_at >= @since", "since", time(since));
        if (query.Until is { } until)
            Filter("received_at < @until", "until", time(until));
        if (query.Text is { Length: > 0 } text)
        {
            var (clause, value) = textMatch(text);
            Filter(clause, "text", value);
        }
        const string order = "ORDER BY received_at DESC, id DESC";
        if (state is not null)
        {
            // The state filter matches either column. "state = @state OR outcome = @state" made the
            // database gather every match from both indexes and sort them all (90,000 rows for
            // "published" of 100,000 uploads); instead each column's index is read in list order for
            // the rows this page can need, and only those (two pages' worth at most) are sorted.
            add(parameterPrefix + "state", state);
            var others = where.Count > 0 ? " AND " + string.Join(" AND ", where) : "";
            var needed = Offset(query) + Limit(query) + 1;
            string Arm(string column) => $"SELECT id FROM (SELECT id, received_at FROM uploads WHERE {column} = @state{others} {order} LIMIT {needed}) AS by_{column}";
            where.Insert(0, $"id IN ({Arm("state")} UNION {Arm("outcome")})");
        }
        return $"""
            SELECT {columns} FROM uploads {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            {order} LIMIT {Limit(query) + 1} OFFSET {Offset(query)}
            """;
    }
}
