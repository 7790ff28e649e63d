using System.Text;
using static Autobuilder.Database.Tests.StoredQueries;

namespace Autobuilder.Database.Tests;

/// <summary>The grain storage queries as the provider runs them: optimistic versions, string and integer keys.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GrainStateQueryTests(PostgresFixture fixture)
{
    private async Task<StoredQueries> NewAsync()
    {
        var db = await fixture.NewDatabaseAsync();
        await DatabaseSchema.ApplyAsync(db);
        return new StoredQueries(db);
    }

    // An upload grain: a string key, so N0 = N1 = 0 and the key travels as the extension string.
    private static (string, object?, System.Data.DbType)[] Key(string key, long n1 = 0) =>
    [
        Int("GrainIdHash", key.GetHashCode(StringComparison.Ordinal)), Long("GrainIdN0", 0), Long("GrainIdN1", n1),
        Int("GrainTypeHash", 42), Text("GrainTypeString", "upload"), Text("GrainIdExtensionString", key), Text("ServiceId", "autobuilder"),
    ];

    private static Task<List<Dictionary<string, object?>>> WriteAsync(StoredQueries q, (string, object?, System.Data.DbType)[] key, int? version, string payload) =>
        q.RunAsync("WriteToStorageKey", [.. key, Int("GrainStateVersion", version), Bytes("PayloadBinary", Encoding.UTF8.GetBytes(payload))]);

    private static object? NewVersion(List<Dictionary<string, object?>> rows) => Assert.Single(rows)["NewGrainStateVersion"];

    [Fact]
    public async Task Should_create_read_and_replace_state_When_each_write_carries_the_version_it_read()
    {
        var q = await NewAsync();
        var key = Key("bookworm/hello_1.0-1/1");

        var first = await WriteAsync(q, key, null, "{\"state\":1}");
        var second = await WriteAsync(q, key, 1, "{\"state\":2}");
        var read = Assert.Single(await q.RunAsync("ReadFromStorageKey", key));

        Assert.Equal(1, NewVersion(first));
        Assert.Equal(2, NewVersion(second));
        Assert.Equal("{\"state\":2}", Encoding.UTF8.GetString((byte[])read["PayloadBinary"]!));
        Assert.Equal(2, read["Version"]);
    }

    [Fact]
    public async Task Should_refuse_a_write_When_another_activation_wrote_first()
    {
        var q = await NewAsync();
        var key = Key("bookworm/hello_1.0-1/1");
        await WriteAsync(q, key, null, "first");
        await WriteAsync(q, key, 1, "second");

        var staleInsert = await WriteAsync(q, key, null, "stale");
        var staleUpdate = await WriteAsync(q, key, 1, "stale");

        Assert.Null(NewVersion(staleInsert));
        Assert.Null(NewVersion(staleUpdate));
        Assert.Equal("second", Encoding.UTF8.GetString((byte[])Assert.Single(await q.RunAsync("ReadFromStorageKey", key))["PayloadBinary"]!));
    }

    [Fact]
    public async Task Should_find_nothing_When_the_grain_never_wrote()
    {
        var q = await NewAsync();

        Assert.Empty(await q.RunAsync("ReadFromStorageKey", Key("never")));
    }

    [Fact]
    public async Task Should_keep_integer_keyed_grains_apart_When_they_have_no_key_string()
    {
        var q = await NewAsync();
        (string, object?, System.Data.DbType)[] Scheduler(long id) =>
        [
            Int("GrainIdHash", (int)id), Long("GrainIdN0", 0), Long("GrainIdN1", id), Int("GrainTypeHash", 7),
            Text("GrainTypeString", "scheduler"), Text("GrainIdExtensionString", null), Text("ServiceId", "autobuilder"),
        ];

        await WriteAsync(q, Scheduler(0), null, "zero");
        await WriteAsync(q, Scheduler(1), null, "one");
        var again = await WriteAsync(q, Scheduler(0), null, "zero again");

        Assert.Null(NewVersion(again));
        Assert.Equal("one", Encoding.UTF8.GetString((byte[])Assert.Single(await q.RunAsync("ReadFromStorageKey", Scheduler(1)))["PayloadBinary"]!));
    }

    [Fact]
    public async Task Should_clear_the_payload_and_move_the_version_When_cleared_with_the_current_version()
    {
        var q = await NewAsync();
        var key = Key("slot/builder1/u1");
        await WriteAsync(q, key, null, "state");

        var stale = await q.RunAsync("ClearStorageKey", [.. key, Int("GrainStateVersion", 5)]);
        var cleared = await q.RunAsync("ClearStorageKey", [.. key, Int("GrainStateVersion", 1)]);

        Assert.Empty(stale);
        Assert.Equal(2, Assert.Single(Assert.Single(cleared).Values));
        var read = Assert.Single(await q.RunAsync("ReadFromStorageKey", key));
        Assert.Null(read["PayloadBinary"]);
        Assert.Equal(2, read["Version"]);
        Assert.Equal(3, NewVersion(await WriteAsync(q, key, 2, "again")));
    }
}
