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
}
