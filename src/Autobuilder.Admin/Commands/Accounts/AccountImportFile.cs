using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// Reads an import file (docs/accounts-import.md): JSON with "accounts" and "rights", or CSV with a
/// header line naming the columns login, name, email and optionally enabled, groups, ssh_keys,
/// openpgp_keys (RFC 4180: fields with commas, quotes or line breaks are double-quoted; a quote in a
/// quoted field is doubled). What a field means is checked by the directory, which skips a bad
/// account with its reason; this reader refuses only a file it cannot read as a whole.
/// </summary>
public static class AccountImportFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static AccountImport Read(string path, string? format = null, bool replaceSshKeys = false)
    {
        var kind = (format ?? Path.GetExtension(path).TrimStart('.')).ToLowerInvariant();
        var text = File.ReadAllText(path, Encoding.UTF8);
        return kind switch
        {
            "json" => ParseJson(text, path, replaceSshKeys),
            "csv" => ParseCsv(text, path, replaceSshKeys),
            _ => throw new ConsoleException($"{path}: say whether it is JSON or CSV with --format json|csv (or name it .json or .csv)"),
        };
    }

    public static AccountImport ParseJson(string text, string name, bool replaceSshKeys)
    {
        JsonFile? file;
        try
        {
            file = JsonSerializer.Deserialize<JsonFile>(text, Json);
        }
        catch (JsonException ex)
        {
            throw new ConsoleException($"{name}: not the import's JSON: {ex.Message}");
        }
        if (file is null)
            throw new ConsoleException($"{name}: empty");
        var accounts = (file.Accounts ?? []).Select(a => new ImportedAccount(a.Login ?? "", a.Name ?? "", a.Email ?? "", a.Enabled ?? true,
            a.Groups ?? [], [.. (a.SshKeys ?? []).SelectMany(SplitSshKeys)], a.OpenPgpKeys ?? [])).ToList();
        var rights = (file.Rights ?? []).Select(r => new UploadRight(r.Subject ?? "", r.Repository ?? "", r.Product ?? "", string.IsNullOrWhiteSpace(r.Source) ? null : r.Source)).ToList();
        return new AccountImport(accounts, rights, replaceSshKeys);
    }

    public static AccountImport ParseCsv(string text, string name, bool replaceSshKeys)
    {
        var rows = CsvRows(text, name);
        if (rows.Count == 0)
            throw new ConsoleException($"{name}: empty (the first line names the columns: login,name,email,enabled,groups,ssh_keys,openpgp_keys)");
        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Column(string column, bool required)
        {
            var i = header.IndexOf(column);
            if (i < 0 && required)
                throw new ConsoleException($"{name}: the first line has no column '{column}' (it has: {string.Join(", ", header)})");
            return i;
        }
        var login = Column("login", true);
        var realName = Column("name", true);
        var email = Column("email", true);
        var enabled = Column("enabled", false);
        var groups = Column("groups", false);
        var ssh = Column("ssh_keys", false);
        var openPgp = Column("openpgp_keys", false);
        var known = new[] { "login", "name", "email", "enabled", "groups", "ssh_keys", "openpgp_keys" };
        if (header.FirstOrDefault(h => !known.Contains(h)) is { } unknown)
            throw new ConsoleException($"{name}: unknown column '{unknown}' (known: {string.Join(", ", known)})");
        var accounts = new List<ImportedAccount>(rows.Count - 1);
        for (var r = 1; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Count == 1 && row[0].Length == 0)
                continue; // a blank line
            string Field(int i) => i >= 0 && i < row.Count ? row[i] : "";
            accounts.Add(new ImportedAccount(Field(login).Trim(), Field(realName).Trim(), Field(email).Trim(), ParseEnabled(Field(enabled), name, r + 1),
                Field(groups).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries),
                [.. SplitSshKeys(Field(ssh))], SplitOpenPgpKeys(Field(openPgp))));
        }
        return new AccountImport(accounts, [], replaceSshKeys);
    }

    /// <summary>
    /// Keys one per line; gforge's users.authorized_keys column separated them with "###" in
    /// older releases, so that separates too. Lines starting with '#' are comments.
    /// </summary>
    private static IEnumerable<string> SplitSshKeys(string field) =>
        field.Replace("###", "\n", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static IReadOnlyList<string> SplitOpenPgpKeys(string field)
    {
        const string Begin = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
        if (field.Trim().Length == 0)
            return [];
        var parts = field.Split(Begin, StringSplitOptions.RemoveEmptyEntries);
        return [.. parts.Where(p => p.Trim().Length > 0).Select(p => Begin + p.TrimEnd() + "\n")];
    }

    // gforge's users.status: A(ctive), S(uspended), D(eleted), P(ending).
    private static bool ParseEnabled(string value, string name, int line) => value.Trim().ToLowerInvariant() switch
    {
        "" or "true" or "1" or "yes" or "a" or "active" => true,
        "false" or "0" or "no" or "s" or "d" or "p" or "suspended" or "deleted" or "pending" => false,
        _ => throw new ConsoleException($"{name} line {line}: enabled is '{value}'; use true/false (or gforge's A/S/D/P)"),
    };

    /// <summary>RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    public static List<List<string>> CsvRows(string text, string name)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                        line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(field.ToString());
                    field.Clear();
                    rows.Add(row);
                    row = [];
                    line++;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (quoted)
            throw new ConsoleException($"{name}: a quoted field opened before line {line} is never closed");
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }
        return rows;
    }

    private sealed class JsonFile
    {
        public List<JsonAccount>? Accounts { get; init; }
        public List<JsonRight>? Rights { get; init; }
    }

    private sealed class JsonAccount
    {
        public string? Login { get; init; }
        public string? Name { get; init; }
        public string? Email { get; init; }
        public bool? Enabled { get; init; }
        public List<string>? Groups { get; init; }
        public List<string>? SshKeys { get; init; }
        public List<string>? OpenPgpKeys { get; init; }
    }

    private sealed class JsonRight
    {
        public string? Subject { get; init; }
        public string? Repository { get; init; }
        public string? Product { get; init; }
        public string? Source { get; init; }
    }
}
