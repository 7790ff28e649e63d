using static Autobuilder.Database.Tests.StoredQueries;

namespace Autobuilder.Database.Tests;

/// <summary>
/// The membership queries as the clustering provider runs them: every change of a silo row moves
/// the table version on, or nothing changes at all.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MembershipQueryTests(PostgresFixture fixture)
{
    private const string Cluster = "test-cluster";
    private static readonly DateTime Start = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    private async Task<StoredQueries> NewAsync()
    {
        var db = await fixture.NewDatabaseAsync();
        await DatabaseSchema.ApplyAsync(db);
        var queries = new StoredQueries(db);
        var created = await queries.RunAsync("InsertMembershipVersionKey", Text("DeploymentId", Cluster));
        Assert.Equal(1, Convert.ToInt32(Assert.Single(Assert.Single(created).Values)));
        return queries;
    }

    private static Task<List<Dictionary<string, object?>>> InsertAsync(StoredQueries q, int port, int version) =>
        q.RunAsync("InsertMembershipKey",
            Text("DeploymentId", Cluster), Time("IAmAliveTime", Start), Text("SiloName", $"silo-{port}"), Text("HostName", "garage"),
            Ansi("Address", "127.0.0.1"), Int("Port", port), Int("Generation", 7), Time("StartTime", Start),
            Int("Status", 3), Int("ProxyPort", port + 1), Int("Version", version));

    private static async Task<int> TableVersionAsync(StoredQueries q) =>
        Convert.ToInt32((await q.RunAsync("MembershipReadAllKey", Text("DeploymentId", Cluster)))[0]["Version"]);

    private static int Single(List<Dictionary<string, object?>> rows) => Convert.ToInt32(Assert.Single(Assert.Single(rows).Values));

    [Fact]
    public async Task Should_report_the_version_row_existing_When_it_is_inserted_again()
    {
        var q = await NewAsync();

        var again = await q.RunAsync("InsertMembershipVersionKey", Text("DeploymentId", Cluster));

        Assert.Equal(0, Single(again));
    }

    [Fact]
    public async Task Should_insert_a_silo_and_move_the_version_When_the_version_matches()
    {
        var q = await NewAsync();

        var inserted = await InsertAsync(q, 11111, version: 0);

        Assert.Equal(1, Single(inserted));
        var row = Assert.Single(await q.RunAsync("MembershipReadAllKey", Text("DeploymentId", Cluster)));
        Assert.Equal("127.0.0.1", row["Address"]);
        Assert.Equal(11111, row["Port"]);
        Assert.Equal(7, row["Generation"]);
        Assert.Equal("silo-11111", row["SiloName"]);
        Assert.Equal("garage", row["HostName"]);
        Assert.Equal(3, row["Status"]);
        Assert.Equal(11112, row["ProxyPort"]);
        Assert.Equal(Start, ((DateTime)row["StartTime"]!).ToUniversalTime());
        Assert.Equal(1, row["Version"]);
    }

    [Fact]
    public async Task Should_change_nothing_When_the_version_is_stale()
    {
        var q = await NewAsync();
        await InsertAsync(q, 11111, version: 0);

        var stale = await InsertAsync(q, 22222, version: 0);

        Assert.Equal(0, Single(stale));
        Assert.Equal(1, await TableVersionAsync(q));
        Assert.Single(await q.RunAsync("MembershipReadAllKey", Text("DeploymentId", Cluster)));
    }

    [Fact]
    public async Task Should_leave_the_version_alone_When_the_silo_row_exists()
    {
        var q = await NewAsync();
        await InsertAsync(q, 11111, version: 0);

        var duplicate = await InsertAsync(q, 11111, version: 1);

        Assert.Equal(0, Single(duplicate));
        Assert.Equal(1, await TableVersionAsync(q));
    }

    [Fact]
    public async Task Should_update_status_and_suspicions_When_the_version_matches_and_not_otherwise()
    {
        var q = await NewAsync();
        await InsertAsync(q, 11111, version: 0);
        var later = Start.AddMinutes(1);
        (string, object?, System.Data.DbType)[] Update(int version, int status) =>
        [
            Text("DeploymentId", Cluster), Ansi("Address", "127.0.0.1"), Int("Port", 11111), Int("Generation", 7),
            Time("IAmAliveTime", later), Int("Status", status), Text("SuspectTimes", "S127.0.0.1:22222:7,2026-11-01 12:00:30.000 GMT"),
            Int("Version", version),
        ];

        var stale = await q.RunAsync("UpdateMembershipKey", Update(version: 0, status: 6));
        var updated = await q.RunAsync("UpdateMembershipKey", Update(version: 1, status: 6));
        var unknown = await q.RunAsync("UpdateMembershipKey",
            [Text("DeploymentId", Cluster), Ansi("Address", "127.0.0.1"), Int("Port", 33333), Int("Generation", 7),
             Time("IAmAliveTime", later), Int("Status", 6), Text("SuspectTimes", null), Int("Version", 2)]);

        Assert.Equal(0, Single(stale));
        Assert.Equal(1, Single(updated));
        Assert.Equal(0, Single(unknown));
        var row = Assert.Single(await q.RunAsync("MembershipReadRowKey",
            Text("DeploymentId", Cluster), Ansi("Address", "127.0.0.1"), Int("Port", 11111), Int("Generation", 7)));
        Assert.Equal(6, row["Status"]);
        Assert.StartsWith("S127.0.0.1:22222:7,", (string)row["SuspectTimes"]!);
        Assert.Equal(2, row["Version"]);
    }

    [Fact]
    public async Task Should_return_the_version_with_no_silo_When_the_row_asked_for_is_missing()
    {
        var q = await NewAsync();

        var rows = await q.RunAsync("MembershipReadRowKey",
            Text("DeploymentId", Cluster), Ansi("Address", "127.0.0.1"), Int("Port", 1), Int("Generation", 1));

        var row = Assert.Single(rows);
        Assert.Null(row["StartTime"]);
        Assert.Equal(0, row["Version"]);
    }

    [Fact]
    public async Task Should_keep_the_version_and_list_gateways_When_a_silo_says_it_is_alive()
    {
        var q = await NewAsync();
        await InsertAsync(q, 11111, version: 0);

        await q.RunAsync("UpdateIAmAlivetimeKey", Text("DeploymentId", Cluster), Ansi("Address", "127.0.0.1"), Int("Port", 11111),
            Int("Generation", 7), Time("IAmAliveTime", Start.AddSeconds(5)));
        var gateways = await q.RunAsync("GatewaysQueryKey", Text("DeploymentId", Cluster), Int("Status", 3));

        Assert.Equal(1, await TableVersionAsync(q));
        var row = Assert.Single(await q.RunAsync("MembershipReadAllKey", Text("DeploymentId", Cluster)));
        Assert.Equal(Start.AddSeconds(5), ((DateTime)row["IAmAliveTime"]!).ToUniversalTime());
        Assert.Equal(11112, Assert.Single(gateways)["ProxyPort"]);
    }

    [Fact]
    public async Task Should_remove_only_old_inactive_silos_When_cleaning_up()
    {
        var q = await NewAsync();
        await InsertAsync(q, 11111, version: 0);
        await InsertAsync(q, 22222, version: 1);
        await q.RunAsync("UpdateMembershipKey", Text("DeploymentId", Cluster), Ansi("Address", "127.0.0.1"), Int("Port", 22222),
            Int("Generation", 7), Time("IAmAliveTime", Start), Int("Status", 6), Text("SuspectTimes", null), Int("Version", 2));

        await q.RunAsync("CleanupDefunctSiloEntriesKey", Text("DeploymentId", Cluster), Time("IAmAliveTime", Start.AddHours(1)));

        var left = Assert.Single(await q.RunAsync("MembershipReadAllKey", Text("DeploymentId", Cluster)));
        Assert.Equal(11111, left["Port"]);
    }

    [Fact]
    public async Task Should_remove_the_deployment_When_its_entries_are_deleted()
    {
        var q = await NewAsync();
        await InsertAsync(q, 11111, version: 0);

        await q.RunAsync("DeleteMembershipTableEntriesKey", Text("DeploymentId", Cluster));

        Assert.Empty(await q.RunAsync("MembershipReadAllKey", Text("DeploymentId", Cluster)));
    }
}
