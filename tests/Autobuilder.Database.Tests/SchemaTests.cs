using Autobuilder.Testing;
using Npgsql;

namespace Autobuilder.Database.Tests;

/// <summary>The schema as <c>autobuilder db init</c> applies it to a real PostgreSQL 15.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SchemaTests(PostgresFixture fixture)
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "autobuilder.dll");

    // Every key the 10.4.2 providers insist on (clustering, grain storage, reminders): a missing one
    // stops a silo at start with "Not all required queries found".
    private static readonly string[] RequiredKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey",
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task Should_store_every_query_the_providers_need_When_initialised_by_the_console()
    {
        var db = await fixture.NewDatabaseAsync();

        var run = Tool.Run("dotnet", [Cli, "db", "init", "--connection", db]).Ok();

        Assert.Contains($"schema at version {DatabaseSchema.LatestVersion}; applied: 0001-membership, 0002-grain-state, 0003-reminders, 0004-accounts, 0005-uploads, 0006-uploads-search", run.Stdout);
        var keys = await ScalarsAsync(db, "SELECT QueryKey FROM OrleansQuery");
        Assert.Empty(RequiredKeys.Except(keys));
        Assert.Equal([1, 2, 3, 4, 5, 6], await DatabaseSchema.ReadVersionsAsync(db));
    }

    [Fact]
    public async Task Should_change_nothing_When_applied_a_second_time()
    {
        var db = await fixture.NewDatabaseAsync();
        Tool.Run("dotnet", [Cli, "db", "init", "--connection", db]).Ok();
        var before = Dump(db);

        var again = Tool.Run("dotnet", [Cli, "db", "init", "--connection", db]).Ok();

        Assert.Equal($"schema up to date (version {DatabaseSchema.LatestVersion})", again.Stdout.Trim());
        Assert.Equal(before, Dump(db));
        Assert.Equal(6L, (await ScalarsAsync(db, "SELECT count(*)::text FROM schema_version")).Select(long.Parse).Single());
    }

    [Fact]
    public async Task Should_apply_only_the_missing_scripts_When_the_database_is_behind()
    {
        var db = await fixture.NewDatabaseAsync();
        await using (var connection = new NpgsqlConnection(db))
        {
            // A database initialised by an autobuilder that knew only the first script.
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                "CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());"
                + DatabaseSchema.Scripts[0].Sql
                + "INSERT INTO schema_version (version, name) VALUES (1, '0001-membership');", connection);
            await create.ExecuteNonQueryAsync();
        }

        var result = await DatabaseSchema.ApplyAsync(db);

        Assert.Equal(["0002-grain-state", "0003-reminders", "0004-accounts", "0005-uploads", "0006-uploads-search"], result.Applied.Select(s => s.Name));
        Assert.Equal([1, 2, 3, 4, 5, 6], await DatabaseSchema.ReadVersionsAsync(db));
    }

    [Fact]
    public async Task Should_refuse_and_change_nothing_When_the_database_is_newer_than_the_console()
    {
        var db = await fixture.NewDatabaseAsync();
        await DatabaseSchema.ApplyAsync(db);
        await ExecuteAsync(db, "INSERT INTO schema_version (version, name) VALUES (99, '0099-future')");

        var run = Tool.Run("dotnet", [Cli, "db", "init", "--connection", db]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("newer than this autobuilder knows", run.Stderr);
    }

    [Fact]
    public void Should_fail_with_one_line_When_the_server_is_unreachable()
    {
        var run = Tool.Run("dotnet", [Cli, "db", "init", "--connection", "Host=127.0.0.1;Port=1;Database=x;Username=x;Timeout=3"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("autobuilder: error: database schema not applied:", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Should_ask_for_the_database_When_no_connection_is_given()
    {
        var run = Tool.Run("dotnet", [Cli, "db", "init"], environment: new Dictionary<string, string> { ["AUTOBUILDER_DB"] = "" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--connection", run.Stdout + run.Stderr);
    }

    /// <summary>The database's full schema as pg_dump prints it: tables, functions, indexes, and the query rows.</summary>
    private string Dump(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return Tool.Run(Path.Combine(PostgresServer.BinDirectory, "pg_dump"),
            ["-h", b.Host!, "-p", b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", b.Username!,
             "--schema-only", "--no-owner", b.Database!]).Ok().Stdout
            // pg_dump guards its output with a random \restrict key per run: not part of the schema.
            .Split('\n').Where(l => !l.StartsWith("\\restrict", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict", StringComparison.Ordinal))
            .Aggregate("", (all, line) => all + line + "\n")
            + string.Join("\n", ScalarsAsync(connectionString, "SELECT QueryKey || ':' || QueryText FROM OrleansQuery ORDER BY QueryKey").GetAwaiter().GetResult());
    }

    internal static async Task<List<string>> ScalarsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
            values.Add(reader.GetString(0));
        return values;
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
