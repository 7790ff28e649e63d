using static Autobuilder.Database.Tests.StoredQueries;

namespace Autobuilder.Database.Tests;

/// <summary>The reminder queries as the provider runs them: upserts with versions, hash ranges that wrap.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReminderQueryTests(PostgresFixture fixture)
{
    private static readonly DateTime Start = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    private async Task<StoredQueries> NewAsync()
    {
        var db = await fixture.NewDatabaseAsync();
        await DatabaseSchema.ApplyAsync(db);
        return new StoredQueries(db);
    }

    private static Task<List<Dictionary<string, object?>>> UpsertAsync(StoredQueries q, string grain, string name, int hash, long periodMs) =>
        q.RunAsync("UpsertReminderRowKey", Text("ServiceId", "autobuilder"), Int("GrainHash", hash), Ansi("GrainId", grain),
            Text("ReminderName", name), Time("StartTime", Start), periodMs <= int.MaxValue ? Int("Period", (int)periodMs) : Long("Period", periodMs));

    private static async Task<string[]> RangeAsync(StoredQueries q, string key, int begin, int end) =>
        [.. (await q.RunAsync(key, Text("ServiceId", "autobuilder"), Int("BeginHash", begin), Int("EndHash", end)))
            .Select(r => (string)r["ReminderName"]!).Order()];

    [Fact]
    public async Task Should_return_a_new_version_When_a_reminder_is_registered_again()
    {
        var q = await NewAsync();

        var first = await UpsertAsync(q, "repo/extras-testing", "promote", 10, 60_000);
        var second = await UpsertAsync(q, "repo/extras-testing", "promote", 10, 3_000_000_000);

        Assert.Equal(0, Assert.Single(first)["Version"]);
        Assert.Equal(1, Assert.Single(second)["Version"]);
        var row = Assert.Single(await q.RunAsync("ReadReminderRowKey", Text("ServiceId", "autobuilder"), Ansi("GrainId", "repo/extras-testing"),
            Text("ReminderName", "promote")));
        Assert.Equal(3_000_000_000L, row["Period"]);
        Assert.Equal(Start, ((DateTime)row["StartTime"]!).ToUniversalTime());
        Assert.Single(await q.RunAsync("ReadReminderRowsKey", Text("ServiceId", "autobuilder"), Ansi("GrainId", "repo/extras-testing")));
    }

    [Fact]
    public async Task Should_read_the_hashes_of_a_range_When_it_wraps_and_when_not()
    {
        var q = await NewAsync();
        await UpsertAsync(q, "g", "low", int.MinValue + 5, 1000);
        await UpsertAsync(q, "g", "mid", 0, 1000);
        await UpsertAsync(q, "g", "high", int.MaxValue - 5, 1000);

        var plain = await RangeAsync(q, "ReadRangeRows1Key", -10, 10);
        var wrapped = await RangeAsync(q, "ReadRangeRows2Key", 10, -10);

        Assert.Equal(["mid"], plain);
        Assert.Equal(["high", "low"], wrapped);
    }

    [Fact]
    public async Task Should_delete_a_reminder_only_When_its_version_matches()
    {
        var q = await NewAsync();
        await UpsertAsync(q, "g", "r", 1, 1000);
        await UpsertAsync(q, "g", "r", 1, 2000);
        (string, object?, System.Data.DbType)[] Delete(int version) =>
            [Text("ServiceId", "autobuilder"), Ansi("GrainId", "g"), Text("ReminderName", "r"), Int("Version", version)];

        var stale = await q.RunAsync("DeleteReminderRowKey", Delete(0));
        var deleted = await q.RunAsync("DeleteReminderRowKey", Delete(1));

        Assert.Equal(0, Convert.ToInt32(Assert.Single(Assert.Single(stale).Values)));
        Assert.Equal(1, Convert.ToInt32(Assert.Single(Assert.Single(deleted).Values)));
        Assert.Empty(await q.RunAsync("ReadReminderRowsKey", Text("ServiceId", "autobuilder"), Ansi("GrainId", "g")));
    }

    [Fact]
    public async Task Should_remove_every_reminder_of_the_service_When_all_are_deleted()
    {
        var q = await NewAsync();
        await UpsertAsync(q, "a", "r", 1, 1000);
        await UpsertAsync(q, "b", "r", 2, 1000);

        await q.RunAsync("DeleteReminderRowsKey", Text("ServiceId", "autobuilder"));

        Assert.Empty(await RangeAsync(q, "ReadRangeRows1Key", int.MinValue, int.MaxValue));
    }
}
