using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// Four silo processes (garage, builder1, builder2, stage) in one cluster through PostgreSQL. The
/// builder hosts are simulated on this machine (local executors, host names from configuration);
/// files between hosts are read from the same disk here (see docs/architecture.md).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Should_list_every_silo_with_role_and_host_When_asked_through_the_database()
    {
        var status = await Eventually.UntilAsync(() =>
        {
            var run = ClusterCli.Run("cluster", "status", "--json", "--cluster", fixture.Database).Ok();
            using var doc = JsonDocument.Parse(run.Stdout);
            var active = doc.RootElement.EnumerateArray().Where(s => s.GetProperty("status").GetString() == "Active")
                .Select(s => $"{s.GetProperty("role").GetString()}@{s.GetProperty("host").GetString()}").Order().ToList();
            return (active.Count == 4, active, run.Stdout);
        }, "four active silos in 'cluster status'");

        Assert.Equal(["builder@builder1", "builder@builder2", "garage@garage", "stage@stage"], status);
        var table = ClusterCli.Run("cluster", "status", "--gateway", $"127.0.0.1:{fixture.Stage.GatewayPort}").Ok();
        Assert.Contains("builder1", table.Stdout);
        Assert.Contains("Active", table.Stdout);
    }

    [Fact]
    public async Task Should_build_on_a_builder_silo_When_an_upload_is_dropped_on_the_garage()
    {
        Uploads.Drop(fixture.Garage, new SourcePackage(Name: "ab-cluster-hello"), fixture.Scratch);

        var done = await Uploads.WaitAsync(fixture.Garage, "ab-cluster-hello", d => d.Summary.State == UploadState.Done, "Done");

        Assert.Equal(UploadState.Built, done.Summary.Outcome);
        var build = Assert.Single(done.Builds);
        Assert.Contains(build.Slot, new[] { "builder1/u1", "builder2/u1" });
        // The build ran on the builder silo of the slot's host: its results are under that silo's data root.
        var builder = build.Slot == "builder1/u1" ? fixture.Builder1 : fixture.Builder2;
        Assert.StartsWith(builder.DataRoot, build.LogPath);
        Assert.Single(Directory.GetFiles(Path.Combine(fixture.Garage.DataRoot, "repo-incoming", "extras-devel", "bookworm"), "ab-cluster-hello_*.changes"));
    }

    [Fact]
    public async Task Should_place_slots_on_their_builder_silo_and_uploads_on_the_garage_When_the_cluster_runs()
    {
        var silos = await Eventually.UntilAsync(async () =>
        {
            var list = await fixture.Garage.Grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync();
            var active = list.Where(s => s.Status == "Active").ToList();
            return (active.Count == 4 && active.Where(s => s.Role == SiloRoles.Builder).All(s => s.GrainsByKind.GetValueOrDefault("slot") == 1), active,
                string.Join("\n", active.Select(s => $"{s.Role}@{s.Host}: {string.Join(", ", s.GrainsByKind)}")));
        }, "one slot grain on each builder silo");

        Assert.All(silos.Where(s => s.Role != SiloRoles.Builder), s => Assert.Equal(0, s.GrainsByKind.GetValueOrDefault("slot")));
        Assert.Equal(1, silos.Single(s => s.Role == SiloRoles.Garage).GrainsByKind.GetValueOrDefault("scheduler"));
        Assert.All(silos.Where(s => s.Role != SiloRoles.Garage), s => Assert.Equal(0, s.GrainsByKind.GetValueOrDefault("upload") + s.GrainsByKind.GetValueOrDefault("scheduler")));
    }

    [Fact]
    public async Task Should_name_the_missing_role_When_a_slot_of_a_host_without_a_builder_silo_is_called()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => fixture.Garage.Grains.GetGrain<IBuilderSlotGrain>("nohost/u1").GetStatusAsync());

        Assert.Contains("no silo of role 'builder' for host 'nohost'", ex.Message);
    }
}
