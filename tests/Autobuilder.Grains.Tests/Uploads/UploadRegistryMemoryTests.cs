using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Uploads;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Autobuilder.Grains.Tests.Uploads;

/// <summary>
/// The registry's memory stays bounded: settled uploads past the recent window leave its state for
/// the uploads' read model, which still lists them; ids stay unique across that; and a registry
/// state from before the read model is copied into it on first activation (an upgrade loses none).
/// </summary>
public sealed class UploadRegistryMemoryTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);
    // Autobuilder:UploadMemory:RecentSettled's default.
    private const int RecentSettled = 200;

    private static UploadSummary Summary(string product, string source, int minute, bool settled, int sequence = 1) =>
        new($"{product}/{source}_1.0/{sequence}", product, source, "1.0", settled ? UploadState.Done : UploadState.Building,
            settled ? UploadState.Published : null, T0.AddMinutes(minute), T0.AddMinutes(minute + 1), $"step of {source}", settled);

    [Fact]
    public async Task Should_KeepOnlyMovingAndRecentUploadsInMemory_When_ManyUploadsSettle()
    {
        // Given: one upload registered (sequence 1) and settled first, then 300 more settled and 3 still moving.
        const string product = "registry-bounded";
        var registry = Cluster.Client.GetGrain<IUploadRegistryGrain>(product);
        var firstId = await registry.RegisterAsync("ticket-old", "old", "1.0");
        await registry.UpdateAsync(Summary(product, "old", 0, settled: true));
        foreach (var n in Enumerable.Range(1, 300))
            await registry.UpdateAsync(Summary(product, $"settled{n}", n, settled: true));
        foreach (var n in Enumerable.Range(1, 3))
            await registry.UpdateAsync(Summary(product, $"moving{n}", 400 + n, settled: false));

        // When
        var resident = await registry.ListAsync(int.MaxValue);
        var all = await registry.QueryAsync(new UploadQuery(Limit: 1000));
        var secondId = await registry.RegisterAsync("ticket-new", "old", "1.0");

        // Then: memory holds the moving ones and the newest settled; the read model holds all 304.
        Assert.Equal(RecentSettled + 3, resident.Count);
        Assert.DoesNotContain(resident, u => u.Id == firstId);
        Assert.All(Enumerable.Range(1, 3), n => Assert.Contains(resident, u => u.Source == $"moving{n}"));
        Assert.Equal(304, all.Uploads.Count);
        Assert.False(all.More);
        Assert.Equal($"{product}/old_1.0/1", firstId);
        // The counter of "old_1.0" left memory with its upload: the next one still gets a new number.
        Assert.Equal($"{product}/old_1.0/2", secondId);
        var page = await registry.QueryAsync(new UploadQuery(State: "published", Limit: 100, Offset: 250));
        Assert.Equal(51, page.Uploads.Count);
        Assert.False(page.More);
        Assert.Equal(firstId, page.Uploads[^1].Id);
    }

    [Fact]
    public async Task Should_CopyEveryListedUploadToTheReadModel_When_TheStateIsFromBeforeIt()
    {
        // Given: a registry state as the previous version wrote it (no read model): 1,000 settled uploads and 2 moving.
        const string product = "registry-upgrade";
        var old = new UploadRegistryState();
        foreach (var n in Enumerable.Range(1, 1000))
            old.Uploads[$"{product}/s{n}_1.0/1"] = Summary(product, $"s{n}", n, settled: true);
        foreach (var n in Enumerable.Range(1, 2))
            old.Uploads[$"{product}/m{n}_1.0/1"] = Summary(product, $"m{n}", 2000 + n, settled: false);
        old.Sequences["s1_1.0"] = 1;
        old.Accepted["s1"] = new AcceptedVersion("1.0", $"{product}/s1_1.0/1");
        var registry = Cluster.Client.GetGrain<IUploadRegistryGrain>(product);
        var storage = Cluster.Cluster.Silos[0].SiloHost.Services.GetRequiredKeyedService<IGrainStorage>("state");
        await storage.WriteStateAsync("registry", registry.GetGrainId(), new GrainState<UploadRegistryState>(old));

        // When: the upgraded registry activates.
        var all = await registry.QueryAsync(new UploadQuery(Limit: 1000));
        var older = await registry.QueryAsync(new UploadQuery(Limit: 1000, Offset: 1000));
        var resident = await registry.ListAsync(int.MaxValue);

        // Then: none lost, memory trimmed, and the version rule still knows what was accepted.
        Assert.Equal(1002, all.Uploads.Count + older.Uploads.Count);
        Assert.Equal(old.Uploads.Keys.Order(StringComparer.Ordinal), all.Uploads.Concat(older.Uploads).Select(u => u.Id).Order(StringComparer.Ordinal));
        Assert.Equal(RecentSettled + 2, resident.Count);
        Assert.NotNull(await registry.AcceptVersionAsync("s1", "1.0", $"{product}/s1_1.0/2"));
        Assert.Equal($"{product}/s1_1.0/2", await registry.RegisterAsync("after-upgrade", "s1", "1.0"));
    }
}
