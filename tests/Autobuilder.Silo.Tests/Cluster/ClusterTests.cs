using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Stage;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// Four silo processes (garage, builder1, builder2, stage) in one cluster through PostgreSQL. The
/// hosts are simulated on this machine (local executors, host names from configuration), each in
/// its own network and mount namespace (<see cref="ClusterFixture"/>): files between hosts travel
/// only through the silos.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Should_list_every_silo_with_role_and_host_When_asked_through_the_database()
    {
        var status = await Eventually.UntilAsync(() =>
        {
            var run = ClusterCli.Run("cluster", "status", "--json", "--cluster", fixture.Database, "--cert", fixture.AdminCertificate).Ok();
            using var doc = JsonDocument.Parse(run.Stdout);
            var active = doc.RootElement.EnumerateArray().Where(s => s.GetProperty("status").GetString() == "Active")
                .Select(s => $"{s.GetProperty("role").GetString()}@{s.GetProperty("host").GetString()}").Order().ToList();
            return (active.Count == 4, active, run.Stdout);
        }, "four active silos in 'cluster status'");

        Assert.Equal(["builder@builder1", "builder@builder2", "garage@garage", "stage@stage"], status);
        var table = ClusterCli.Run("cluster", "status", "--gateway", fixture.Stage.Gateway, "--cert", fixture.AdminCertificate).Ok();
        Assert.Contains("builder1", table.Stdout);
        Assert.Contains("Active", table.Stdout);
    }

    [Fact]
    public async Task Should_build_on_a_builder_silo_and_publish_on_the_stage_When_an_upload_is_dropped_on_the_garage()
    {
        // Arrange
        fixture.UploadSigned(new SourcePackage(Name: "ab-cluster-hello"));

        // Act
        var done = await Uploads.WaitAsync(fixture.Garage, "ab-cluster-hello", d => d.Summary.State == UploadState.Done, "Done");
        var published = await StageQueue.WaitForAsync(fixture.Stage, "extras-devel/bookworm", "ab-cluster-hello", "1.0-1");
        using var apt = StageQueue.Apt(fixture.Stage, "extras-devel");
        using var root = new TempDir("ab-root-");
        var update = apt.Update();
        var installed = StageQueue.DownloadAndInstall(apt, "ab-cluster-hello", root.Path);
        var log = ClusterCli.Run("uploads", "log", done.Summary.Id, "--gateway", fixture.Garage.Gateway, "--cert", fixture.AdminCertificate).Ok();

        // Assert
        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        // Policy "required" with rights, as garage.json ships: the upload is the signing account's.
        Assert.Equal("cluster", done.Identity?.Account);
        Assert.Equal(fixture.Uploader.Fingerprint, done.Identity?.SignerFingerprint);
        var build = Assert.Single(done.Builds);
        Assert.Contains(build.Slot, new[] { "builder1/abbuild1", "builder2/abbuild1" });
        // The results came back to the garage's disk; none stayed on the builder's.
        Assert.StartsWith(Path.Combine(fixture.Garage.DataRoot, "results"), build.LogPath);
        Assert.True(File.Exists(build.LogPath));
        var builder = build.Slot == "builder1/abbuild1" ? fixture.Builder1 : fixture.Builder2;
        var leftOnBuilder = Path.Combine(builder.DataRoot, "results", "bookworm", "ab-cluster-hello_1.0-1");
        Assert.False(Directory.Exists(leftOnBuilder) && Directory.EnumerateFiles(leftOnBuilder, "*", SearchOption.AllDirectories).Any());
        // The log was sent to the garage line by line while the build ran: the console reads it there.
        Assert.Contains("dpkg-buildpackage", log.Stdout);
        // The upload offered its source and packages to the stage's distribution, which fetched them from the
        // garage host through the silo-to-silo file path and answered: nothing went through repo-incoming.
        var answer = Assert.Single(done.Publications!);
        Assert.True(answer.Published, string.Join("; ", answer.Reasons));
        Assert.Equal(published.Status.Generation, answer.Generation);
        Assert.All(done.Latency!.Legs(), l => Assert.True(l.Took is not null, $"{l.Leg} not recorded"));
        var garageQueue = Path.Combine(fixture.Garage.DataRoot, "repo-incoming", "extras-devel", "bookworm");
        Assert.False(Directory.Exists(garageQueue) && Directory.EnumerateFiles(garageQueue).Any(), "files were queued on the garage");
        Assert.Contains(published.Sources, s => s.Source == "ab-cluster-hello" && s.HasSource);
        Assert.Empty(published.Status.Rejections);
        StageQueue.AssertCleanUpdate(update);
        Assert.Equal("1.0-1", installed);
        Assert.Equal("Hello from ab-cluster-hello 1.0-1", Tool.Run(Path.Combine(root.Path, "usr", "bin", "ab-cluster-hello")).Ok().Stdout.Trim());
    }

    [Fact]
    public async Task Should_place_slots_on_their_builder_silo_and_uploads_on_the_garage_When_the_cluster_runs()
    {
        // Arrange: a distribution grain is woken through the garage's gateway.
        await fixture.Garage.Grains.GetGrain<IDistributionGrain>("extras-devel/bookworm").GetStatusAsync();

        // Act
        var silos = await Eventually.UntilAsync(async () =>
        {
            var list = await fixture.Garage.Grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync();
            var active = list.Where(s => s.Status == "Active").ToList();
            return (active.Count == 4 && active.Where(s => s.Role == SiloRoles.Builder).All(s => s.GrainsByKind.GetValueOrDefault("slot") == 1), active,
                string.Join("\n", active.Select(s => $"{s.Role}@{s.Host}: {string.Join(", ", s.GrainsByKind)}")));
        }, "one slot grain on each builder silo");

        // Assert
        Assert.All(silos.Where(s => s.Role != SiloRoles.Builder), s => Assert.Equal(0, s.GrainsByKind.GetValueOrDefault("slot")));
        Assert.True(silos.Single(s => s.Role == SiloRoles.Stage).GrainsByKind.GetValueOrDefault("distribution") >= 1);
        Assert.All(silos.Where(s => s.Role != SiloRoles.Stage), s => Assert.Equal(0, s.GrainsByKind.GetValueOrDefault("distribution")));
        Assert.Equal(1, silos.Single(s => s.Role == SiloRoles.Garage).GrainsByKind.GetValueOrDefault("scheduler"));
        Assert.All(silos.Where(s => s.Role != SiloRoles.Garage), s => Assert.Equal(0, s.GrainsByKind.GetValueOrDefault("upload") + s.GrainsByKind.GetValueOrDefault("scheduler")));
    }

    [Fact]
    public async Task Should_name_the_missing_role_When_a_slot_of_a_host_without_a_builder_silo_is_called()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => fixture.Garage.Grains.GetGrain<IBuilderSlotGrain>("nohost/abbuild1").GetStatusAsync());

        Assert.Contains("no silo of role 'builder' for host 'nohost'", ex.Message);
    }
}
