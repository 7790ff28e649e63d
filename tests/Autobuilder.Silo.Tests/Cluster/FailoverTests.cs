using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Stage;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>Silos of the cluster killed with SIGKILL: the work goes on elsewhere, or when they are back, and nothing is done twice.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Should_finish_the_build_on_the_other_builder_When_the_builder_silo_running_it_is_killed()
    {
        fixture.UploadSigned(new SourcePackage(Name: "ab-failover", RulesBuild: "sleep 8"));
        var running = await Uploads.WaitAsync(fixture.Garage, "ab-failover", d => d.Builds.Any(b => b.State == BuildState.Running), "building");
        var firstSlot = running.Builds.Single().Slot!;
        var (victim, survivor) = firstSlot.StartsWith("builder1/", StringComparison.Ordinal)
            ? (fixture.Builder1, fixture.Builder2) : (fixture.Builder2, fixture.Builder1);

        await victim.KillAsync();
        var done = await Uploads.WaitAsync(fixture.Garage, "ab-failover", d => d.Summary.State == UploadState.Done, "Done on the other builder",
            timeout: TimeSpan.FromSeconds(120));

        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        var build = Assert.Single(done.Builds);
        Assert.NotEqual(firstSlot, build.Slot);
        Assert.Equal(2, build.Attempt);
        Assert.StartsWith(Path.Combine(fixture.Garage.DataRoot, "results"), build.LogPath);
        Assert.Contains(done.History, h => h.Reason.Contains($"infrastructure error on {firstSlot}", StringComparison.Ordinal));
        Assert.Contains($"attempt 2 started on {survivor.Name.Split('@')[1]}/abbuild1", string.Join("\n", done.History.Select(h => h.Reason)));
        // Results land once: the stage published one version, rejected nothing.
        var published = await StageQueue.WaitForAsync(fixture.Stage, "extras-devel/bookworm", "ab-failover", "1.0-1");
        Assert.Empty(published.Status.Rejections);

        // The host comes back: its slot takes builds again.
        await victim.StartAsync();
        await Eventually.SlotAsync(fixture.Garage, firstSlot, SlotState.Idle);
    }

    [Fact]
    public async Task Should_take_no_new_builds_on_a_dead_builder_When_its_silo_is_gone()
    {
        await Eventually.SlotAsync(fixture.Garage, "builder2/abbuild1", SlotState.Idle);
        await fixture.Builder2.KillAsync();
        try
        {
            var down = await Eventually.SlotAsync(fixture.Garage, "builder2/abbuild1", SlotState.Offline);
            Assert.Contains("builder2", down.Reason);

            fixture.UploadSigned(new SourcePackage(Name: "ab-one-builder"));
            var done = await Uploads.WaitAsync(fixture.Garage, "ab-one-builder", d => d.Summary.State == UploadState.Done, "Done");

            var build = Assert.Single(done.Builds);
            Assert.Equal("builder1/abbuild1", build.Slot);
            Assert.Equal(1, build.Attempt);
        }
        finally
        {
            await fixture.Builder2.StartAsync();
        }
        await Eventually.SlotAsync(fixture.Garage, "builder2/abbuild1", SlotState.Idle);
    }

    [Fact]
    public async Task Should_publish_the_waiting_packages_When_the_stage_silo_comes_back()
    {
        // Arrange: the stage is gone while a package is built: the upload waits in Publishing, offering again;
        // a set an operator dropped into the garage's repo-incoming waits there, its forwarding retried with back-off.
        await fixture.Stage.KillAsync();
        try
        {
            fixture.UploadSigned(new SourcePackage(Name: "ab-stage-down"));
            var dropped = StageQueue.Drop(fixture.Garage, new StagePackage("ab-forward-later"), fixture.Scratch);
            var waiting = await Uploads.WaitAsync(fixture.Garage, "ab-stage-down",
                d => d.Summary.State == UploadState.Publishing && d.History.Any(h => h.Reason.StartsWith("offer to extras-devel/bookworm failed", StringComparison.Ordinal)),
                "Publishing, its offer refused for want of a stage");
            Assert.Empty(waiting.Publications ?? []);
            var show = ClusterCli.Run("repo", "show", "extras-devel/bookworm", "--gateway", fixture.Garage.Gateway, "--cert", fixture.AdminCertificate);
            Assert.Equal(69, show.ExitCode);
            Assert.Contains("no silo of role 'stage' is up", show.Stderr);
            var forwarding = (await Eventually.UntilAsync(async () =>
            {
                var list = await fixture.Garage.Grains.GetGrain<IDeliveryRetriesGrain>(0).ListAsync();
                var entry = list.FirstOrDefault(d => d.Kind == DeliveryKind.Forward && d.What.Contains(Path.GetFileName(dropped), StringComparison.Ordinal));
                return (entry is not null, entry, string.Join("; ", list.Select(d => $"{d.Kind} {d.What} ×{d.Attempts}")));
            }, "the dropped set's forwarding listed as waiting"))!;
            Assert.False(string.IsNullOrWhiteSpace(forwarding.LastError));
            Assert.True(File.Exists(Path.Combine(StageQueue.Queue(fixture.Garage, "extras-devel"), Path.GetFileName(dropped))), "the set left the garage with no stage to take it");
            var status = ClusterCli.Run("status", "--gateway", fixture.Garage.Gateway, "--cert", fixture.AdminCertificate);
            Assert.True(status.Stdout.Contains($"Forward     {forwarding.What}: since", StringComparison.Ordinal),
                $"status does not list the waiting forwarding (exit {status.ExitCode}):\n{status.Stdout}\n{status.Stderr}");
        }
        finally
        {
            // Act
            await fixture.Stage.StartAsync();
        }

        // Assert: offered again, the upload is published once.
        var done = await Uploads.WaitAsync(fixture.Garage, "ab-stage-down", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(3));
        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        var published = await StageQueue.WaitForAsync(fixture.Stage, "extras-devel/bookworm", "ab-stage-down", "1.0-1");
        Assert.Empty(published.Status.Rejections);
        Assert.Equal(published.Status.Generation, Assert.Single(done.Publications!).Generation);
        // The dropped set was forwarded by its retry (back-off from PublishRetrySeconds, 10 s) and left the list.
        await StageQueue.WaitAsync(fixture.Stage, "extras-devel/bookworm", d => d.Sources.Any(p => p.Source == "ab-forward-later"),
            "holding ab-forward-later, forwarded from the garage", TimeSpan.FromMinutes(3));
        await Eventually.UntilAsync(async () =>
        {
            var list = await fixture.Garage.Grains.GetGrain<IDeliveryRetriesGrain>(0).ListAsync();
            return (!list.Any(d => d.Kind == DeliveryKind.Forward), true, string.Join("; ", list.Select(d => $"{d.Kind} {d.What} ×{d.Attempts}")));
        }, "no forwarding listed any more");
    }

    [Fact]
    public async Task Should_finish_the_upload_and_keep_its_history_When_the_garage_silo_restarts_during_its_build()
    {
        // Arrange
        fixture.UploadSigned(new SourcePackage(Name: "ab-garage-restart", RulesBuild: "sleep 4"));
        var running = await Uploads.WaitAsync(fixture.Garage, "ab-garage-restart", d => d.Builds.Any(b => b.State == BuildState.Running), "building");

        // Act
        await fixture.Garage.KillAsync();
        await fixture.Garage.StartAsync();
        var done = await Uploads.WaitAsync(fixture.Garage, "ab-garage-restart", d => d.Summary.State == UploadState.Done, "Done after the garage restarted",
            timeout: TimeSpan.FromSeconds(120));

        // Assert: the state kept in PostgreSQL carried the upload over the restart.
        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        Assert.Equal(running.Summary.Id, done.Summary.Id);
        Assert.Equal(running.History, done.History.Take(running.History.Count));
        var published = await StageQueue.WaitForAsync(fixture.Stage, "extras-devel/bookworm", "ab-garage-restart", "1.0-1");
        Assert.Empty(published.Status.Rejections);
    }
}
