using Autobuilder.Grains.Tests.Cluster;

namespace Autobuilder.Grains.Tests.Uploads;

/// <summary>The registry alone, under product keys no other test uses (it needs no configured product).</summary>
public sealed class UploadRegistryTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_GiveUniqueReadableIds_When_TicketsAreRegistered()
    {
        // Arrange
        var registry = Cluster.Client.GetGrain<IUploadRegistryGrain>("registry-ids");

        // Act
        var first = await registry.RegisterAsync("t1", "gconf-cleaner", "0.0.3-1");
        var second = await registry.RegisterAsync("t2", "gconf-cleaner", "0.0.3-1");
        var otherVersion = await registry.RegisterAsync("t3", "gconf-cleaner", "0.0.4-1");
        var otherSource = await registry.RegisterAsync("t4", "hello", "0.0.3-1");
        var epoch = await registry.RegisterAsync("t5", "hello", "1:2.0");
        var firstAgain = await registry.RegisterAsync("t1", "gconf-cleaner", "0.0.3-1");

        // Assert
        Assert.Equal("registry-ids/gconf-cleaner_0.0.3-1/1", first);
        Assert.Equal("registry-ids/gconf-cleaner_0.0.3-1/2", second);
        Assert.Equal("registry-ids/gconf-cleaner_0.0.4-1/1", otherVersion);
        Assert.Equal("registry-ids/hello_0.0.3-1/1", otherSource);
        Assert.Equal("registry-ids/hello_1:2.0/1", epoch);
        Assert.Equal(first, firstAgain);
        // The same ticket in another product is another upload.
        Assert.Equal("registry-ids-2/gconf-cleaner_0.0.3-1/1", await Cluster.Client.GetGrain<IUploadRegistryGrain>("registry-ids-2").RegisterAsync("t1", "gconf-cleaner", "0.0.3-1"));
    }

    [Fact]
    public async Task Should_ListNewestFirstWithLimit_When_UploadsAreUpdated()
    {
        // Arrange
        const string product = "registry-list";
        var registry = Cluster.Client.GetGrain<IUploadRegistryGrain>(product);
        var t0 = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        UploadSummary Summary(string id, int minutes, UploadState state = UploadState.Queued) =>
            new($"{product}/{id}", product, id.Split('_')[0], "1.0", state, null, t0.AddMinutes(minutes), t0.AddMinutes(minutes), "", false);

        // Act: received at 0, 2, 1 and 2 minutes; the one at 0 is updated later, which must not move it.
        await registry.UpdateAsync(Summary("a_1.0/1", 0));
        await registry.UpdateAsync(Summary("b_1.0/1", 2));
        await registry.UpdateAsync(Summary("c_1.0/1", 1));
        await registry.UpdateAsync(Summary("d_1.0/1", 2));
        await registry.UpdateAsync(Summary("a_1.0/1", 0, UploadState.Building) with { UpdatedAt = t0.AddMinutes(9) });

        // Assert: newest received first; the same moment ordered by id, descending.
        var all = await registry.ListAsync(10);
        Assert.Equal([$"{product}/d_1.0/1", $"{product}/b_1.0/1", $"{product}/c_1.0/1", $"{product}/a_1.0/1"], all.Select(u => u.Id));
        Assert.Equal(UploadState.Building, all[^1].State);
        Assert.Equal(all.Take(2).Select(u => u.Id), (await registry.ListAsync(2)).Select(u => u.Id));
    }

    [Fact]
    public async Task Should_AcceptOnlyNewerVersions_When_VersionsAreOffered()
    {
        // Arrange
        var registry = Cluster.Client.GetGrain<IUploadRegistryGrain>("registry-versions");
        Assert.Null(await registry.AcceptVersionAsync("pkg", "1:1.0-1", "registry-versions/pkg_1:1.0-1/1"));

        // Act
        var sameUploadAgain = await registry.AcceptVersionAsync("pkg", "1:1.0-1", "registry-versions/pkg_1:1.0-1/1");
        var lowerWithoutEpoch = await registry.AcceptVersionAsync("pkg", "9.0-1", "registry-versions/pkg_9.0-1/1");
        var newer = await registry.AcceptVersionAsync("pkg", "1:1.0-1+b1", "registry-versions/pkg_1:1.0-1+b1/1");
        var invalid = await registry.AcceptVersionAsync("pkg", "not a version", "registry-versions/pkg_x/1");
        var otherSource = await registry.AcceptVersionAsync("other", "0.1", "registry-versions/other_0.1/1");

        // Assert
        Assert.Null(sameUploadAgain);
        Assert.Contains("is not newer than 1:1.0-1", lowerWithoutEpoch, StringComparison.Ordinal);
        Assert.Null(newer);
        Assert.NotNull(invalid);
        Assert.Null(otherSource);
    }
}
