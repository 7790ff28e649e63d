using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Autobuilder.Admin;

/// <summary>Tables for people, JSON for scripts: every listing command prints through here.</summary>
public static class Output
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static void WriteJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, Json));

    public static void WriteTable(IEnumerable<string> headers, IEnumerable<IEnumerable<string?>> rows)
    {
        // Piped into a file or grep, a table must not be squeezed into 80 columns and wrapped.
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 400;
        var table = new Table().Border(TableBorder.Simple);
        foreach (var h in headers)
            table.AddColumn(new TableColumn(h).NoWrap());
        foreach (var row in rows)
            table.AddRow(row.Select(c => Markup.Escape(c ?? "")).ToArray());
        AnsiConsole.Write(table);
    }

    public static string Ago(DateTimeOffset? when)
    {
        if (when is null)
            return "-";
        var span = DateTimeOffset.UtcNow - when.Value;
        return span.TotalSeconds < 60 ? $"{span.TotalSeconds:0}s ago"
            : span.TotalMinutes < 60 ? $"{span.TotalMinutes:0}m ago"
            : span.TotalHours < 48 ? $"{span.TotalHours:0}h ago"
            : when.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'");
    }
}
