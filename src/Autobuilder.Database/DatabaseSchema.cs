using System.Globalization;
using System.Reflection;
using Npgsql;

namespace Autobuilder.Database;

/// <summary>
/// The autobuilder's PostgreSQL schema: the tables and queries Orleans' ADO.NET providers need for
/// cluster membership, grain state and reminders. The NuGet packages ship no setup scripts, so the
/// project owns these. Each script runs once, recorded in <c>schema_version</c>; all pending scripts
/// run in one transaction, so a failure leaves the database as it was, and applying again is a no-op.
/// </summary>
public static class DatabaseSchema
{
    private const string ResourcePrefix = "Autobuilder.Database.Schema.";

    // Any constant of our own: concurrent "db init" runs (two hosts provisioned at once) queue on it
    // instead of both trying to create the same tables.
    private const long AdvisoryLockKey = 0x6175746f62756c64; // "autobuld"

    /// <summary>Every script, in version order.</summary>
    public static IReadOnlyList<SchemaScript> Scripts { get; } = LoadScripts();

    /// <summary>The version a fully initialised database is at.</summary>
    public static int LatestVersion => Scripts[^1].Version;

    /// <summary>Applies the scripts the database has not seen yet, in one transaction.</summary>
    public static async Task<SchemaResult> ApplyAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version
            (
                version    integer     NOT NULL PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, ct);
        var applied = await AppliedVersionsAsync(connection, transaction, ct);
        var unknown = applied.Where(v => Scripts.All(s => s.Version != v)).ToList();
        if (unknown.Count > 0)
        {
            // A newer autobuilder initialised this database: applying older scripts over it could undo its work.
            throw new InvalidOperationException(
                $"the database has schema version {unknown.Max()}, newer than this autobuilder knows ({LatestVersion}); use a newer autobuilder");
        }
        var pending = Scripts.Where(s => !applied.Contains(s.Version)).ToList();
        foreach (var script in pending)
        {
            await ExecuteAsync(connection, transaction, script.Sql, ct);
            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version, name) VALUES (@version, @name)", connection, transaction);
            record.Parameters.AddWithValue("version", script.Version);
            record.Parameters.AddWithValue("name", script.Name);
            await record.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new SchemaResult(pending, LatestVersion);
    }

    /// <summary>The versions recorded in the database; empty when it was never initialised.</summary>
    public static async Task<IReadOnlyList<int>> ReadVersionsAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
            return [];
        return [.. await AppliedVersionsAsync(connection, null, ct)];
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        var versions = new HashSet<int>();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_version ORDER BY version", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            versions.Add(reader.GetInt32(0));
        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static List<SchemaScript> LoadScripts()
    {
        var assembly = typeof(DatabaseSchema).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                throw new InvalidOperationException($"schema script {name} is not named NNNN-name.sql");
            scripts.Add(new SchemaScript(version, Path.GetFileNameWithoutExtension(name), Read(assembly, resource)));
        }
        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            // Versions are 1, 2, 3 …: a gap or a duplicate is a packaging mistake, caught before any database sees it.
            if (scripts[i].Version != i + 1)
                throw new InvalidOperationException($"schema scripts must be numbered 1, 2, 3 …; found {scripts[i].Name} at position {i + 1}");
        }
        return scripts;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
