using Autobuilder.Database;
using Autobuilder.Grains;
using Autobuilder.Grains.Uploads;
using Autobuilder.Silo.Uploads;

namespace Autobuilder.Silo.Tests.Web;

/// <summary>One PostgreSQL server of the tests' own; each test makes its own database with the real schema scripts.</summary>
public sealed class UploadIndexPostgresFixture : IAsyncLifetime
{
    private int _databases;

    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public async Task<string> NewDatabaseAsync()
    {
        var db = await Server.CreateDatabaseAsync($"uploads_{Interlocked.Increment(ref _databases)}");
        await DatabaseSchema.ApplyAsync(db);
        return db;
    }
}

/// <summary>
/// The uploads' read model, both stores behind the same tests: every filter of the pages, paging,
/// search with LIKE's wildcards taken literally, the sequence look-up the registry relies on, and
/// retention's walk over settled uploads.
/// </summary>
public sealed class UploadIndexTests(UploadIndexPostgresFixture postgres) : IClassFixture<UploadIndexPostgresFixture>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new("ab-uploadindex-");

    public void Dispose() => _dir.Dispose();

    private async Task<IUploadIndex> StoreAsync(string kind) => kind switch
    {
        "sqlite" => new SqliteUploadIndex(_dir["uploads.sqlite"]),
        _ => new PostgresUploadIndex(await postgres.NewDatabaseAsync()),
    };

    /// <summary>40 uploads over two products, four sources, two uploaders; every fifth rejected, the rest published.</summary>
    private static List<UploadSummary> Uploads() =>
    [
        .. Enumerable.Range(1, 40).Select(n =>
        {
            var product = n % 2 == 0 ? "fremantle" : "bookworm";
            var source = $"pkg{n % 4}";
            var rejected = n % 5 == 0;
            return new UploadSummary($"{product}/{source}_1.{n}/{1 + n % 3}", product, source, $"1.{n}",
                rejected ? UploadState.Rejected : UploadState.Done, rejected ? UploadState.Rejected : UploadState.Published,
                T0.AddMinutes(n), T0.AddMinutes(n + 1), rejected ? $"100% wrong_{n}" : $"published in extras-devel ({n})", true,
                n == 7 ? new UploadLatency(T0, T0.AddSeconds(1), null, null, null, null) : null, n % 3 == 0 ? "jane" : null);
        }),
    ];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Should_AnswerEveryFilterNewestFirstWithPaging_When_UploadsAreSaved(string kind)
    {
        // Given
        var store = await StoreAsync(kind);
        var uploads = Uploads();
        await store.SaveAsync(uploads);
        // A later summary of the same upload replaces its row.
        await store.SaveAsync([uploads[0] with { LastReason = "replaced", Settled = false, State = UploadState.Building, Outcome = null }]);
        uploads[0] = uploads[0] with { LastReason = "replaced", Settled = false, State = UploadState.Building, Outcome = null };
        List<string> Expected(Func<UploadSummary, bool> match) =>
            [.. uploads.Where(match).OrderByDescending(u => u.ReceivedAt).ThenByDescending(u => u.Id, StringComparer.Ordinal).Select(u => u.Id)];
        async Task<List<string>> Ids(UploadQuery q) => [.. (await store.QueryAsync(q)).Uploads.Select(u => u.Id)];

        // When / Then: each filter as the list in memory would answer it.
        Assert.Equal(Expected(_ => true), await Ids(new UploadQuery()));
        Assert.Equal(Expected(u => u.Product == "fremantle"), await Ids(new UploadQuery(Product: "fremantle")));
        Assert.Equal(Expected(u => u.Outcome == UploadState.Rejected), await Ids(new UploadQuery(State: "REJECTED")));
        Assert.Equal(Expected(u => u.Outcome == UploadState.Published), await Ids(new UploadQuery(State: "published")));
        Assert.Equal(Expected(u => u.State == UploadState.Building), await Ids(new UploadQuery(State: "building")));
        Assert.Empty(await Ids(new UploadQuery(State: "no-such-state")));
        Assert.Empty(await Ids(new UploadQuery(State: "3")));
        Assert.Equal(Expected(u => u.Source == "pkg1"), await Ids(new UploadQuery(Source: "pkg1")));
        Assert.Equal(Expected(u => u.Account == "jane"), await Ids(new UploadQuery(Uploader: "jane")));
        Assert.Equal(Expected(u => u.ReceivedAt >= T0.AddMinutes(30)), await Ids(new UploadQuery(Since: T0.AddMinutes(30))));
        Assert.Equal(Expected(u => u.ReceivedAt < T0.AddMinutes(10)), await Ids(new UploadQuery(Until: T0.AddMinutes(10))));
        Assert.Equal(Expected(u => u.Product == "fremantle" && u.Source == "pkg2" && u.Account == "jane"),
            await Ids(new UploadQuery(Product: "fremantle", Source: "pkg2", Uploader: "jane")));
        // Search: in the id or the reason, case-insensitive, '%' and '_' taken as themselves.
        Assert.Equal(Expected(u => u.LastReason.Contains("100% wrong_")), await Ids(new UploadQuery(Text: "100% WRONG_")));
        Assert.Equal(Expected(u => u.Id.Contains("_1.3")), await Ids(new UploadQuery(Text: "_1.3")));
        Assert.Empty(await Ids(new UploadQuery(Text: "1_0")));
        Assert.Equal(Expected(u => u.LastReason == "replaced"), await Ids(new UploadQuery(Text: "replaced")));

        // Paging: pages of 15 cover the list once, in order, and say when more follow.
        var pages = new List<UploadPage>();
        for (var offset = 0; offset < 45; offset += 15)
            pages.Add(await store.QueryAsync(new UploadQuery(Limit: 15, Offset: offset)));
        Assert.Equal(Expected(_ => true), pages.SelectMany(p => p.Uploads).Select(u => u.Id));
        Assert.Equal([true, true, false], pages.Select(p => p.More));

        // Every field comes back as saved.
        var seven = (await store.QueryAsync(new UploadQuery(Text: "bookworm/pkg3_1.7/"))).Uploads.Single();
        Assert.Equal(uploads[6], seven);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Should_FindLastSequencesAndSettledUploads_When_RegistryAndRetentionAsk(string kind)
    {
        // Given
        var store = await StoreAsync(kind);
        await store.SaveAsync(Uploads());
        await store.SaveAsync([Uploads()[0] with { Id = "bookworm/pkg1_1.1/7" }]);

        // When / Then: the highest number given to a source version of a product.
        Assert.Equal(7, await store.LastSequenceAsync("bookworm", "pkg1", "1.1"));
        Assert.Equal(0, await store.LastSequenceAsync("fremantle", "pkg1", "1.1"));
        Assert.Equal(0, await store.LastSequenceAsync("bookworm", "pkg1", "9.9"));

        // Settled uploads changed in (after, before], oldest change first, in batches.
        var first = await store.SettledBetweenAsync(null, T0.AddMinutes(21), 10);
        Assert.Equal(10, first.Count);
        Assert.True(first.Zip(first.Skip(1)).All(p => p.First.UpdatedAt <= p.Second.UpdatedAt));
        var rest = await store.SettledBetweenAsync(first[^1].UpdatedAt, T0.AddMinutes(21), 100);
        Assert.Equal(Uploads().Where(u => u.UpdatedAt <= T0.AddMinutes(21)).Count() + 1, first.Count + rest.Count);
    }
}
