using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Ssh;

/// <summary>
/// Uploads built over SSH on real sshd instances with the real dpkg-buildpackage: parallel slots,
/// a host with the wrong key, a host that dies in the middle of a build.
/// </summary>
[Collection(SshFarmCollection.Name)]
public sealed class SshPipelineTests(SshFarmFixture farm)
{
    private SiloProcess Silo => farm.Silo;
    /// <summary>Where the stage puts a source's packages once the upload offered them.</summary>
    private string Pool(string source) =>
        Path.Combine(Stage.StageQueue.Live(Silo, "extras-devel"), "pool", "main", source[..1], source);

    [Fact]
    public async Task Should_build_two_uploads_at_once_on_two_ssh_slots_When_both_are_free()
    {
        // Arrange: each build sleeps long enough that two builds one after the other could not overlap.
        await farm.WaitForSlotAsync("hosta/abslot1", s => s.State == SlotState.Idle, "idle");
        await farm.WaitForSlotAsync("hosta/abslot2", s => s.State == SlotState.Idle, "idle");

        // Act
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-ssh-one", RulesBuild: "sleep 4"), farm.Scratch);
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-ssh-two", RulesBuild: "sleep 4"), farm.Scratch);
        var one = await Uploads.WaitAsync(Silo, "ab-ssh-one", d => d.Summary.State == UploadState.Done, "Done");
        var two = await Uploads.WaitAsync(Silo, "ab-ssh-two", d => d.Summary.State == UploadState.Done, "Done");

        // Assert
        var a = Assert.Single(one.Builds);
        var b = Assert.Single(two.Builds);
        Assert.Equal(BuildOutcome.Success, a.Outcome);
        Assert.Equal(BuildOutcome.Success, b.Outcome);
        Assert.NotEqual(a.Slot, b.Slot);
        Assert.True(a.Started < b.Finished && b.Started < a.Finished,
            $"build intervals do not overlap: {a.Started:O}..{a.Finished:O} and {b.Started:O}..{b.Finished:O}");
        foreach (var name in new[] { "ab-ssh-one", "ab-ssh-two" })
        {
            await Stage.StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", name, "1.0-1");
            var deb = Path.Combine(Pool(name), $"{name}_1.0-1_{SiloProcess.HostArchitecture}.deb");
            Assert.True(File.Exists(deb), $"{deb} missing");
            Assert.Contains($"Package: {name}", Tool.Run("dpkg-deb", "--info", deb).Ok().Stdout);
        }
        // The full runner log came back from the host with the results.
        Assert.Contains("done: outcome=success", File.ReadAllText(Path.Combine(a.ResultsFolder!, "build.log")));
    }

    [Fact]
    public async Task Should_take_the_slot_offline_and_build_elsewhere_When_the_host_key_does_not_match()
    {
        // Arrange: impostor/abslot3 reaches host B but pins host A's key.
        var impostor = await farm.WaitForSlotAsync("impostor/abslot3", s => s.State == SlotState.Offline, "offline");

        // Act
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-ssh-hostkey"), farm.Scratch);
        var done = await Uploads.WaitAsync(Silo, "ab-ssh-hostkey", d => d.Summary.State == UploadState.Done, "Done");

        // Assert
        Assert.Contains("not the pinned", impostor.Reason);
        Assert.Contains(farm.HostB.HostKeySha256, impostor.Reason);
        Assert.Contains(farm.HostA.HostKeySha256, impostor.Reason);
        var build = Assert.Single(done.Builds);
        Assert.Equal(BuildOutcome.Success, build.Outcome);
        Assert.NotEqual("impostor/abslot3", build.Slot);
        var scheduler = await Silo.Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync();
        Assert.Equal(SlotState.Offline, Assert.Single(scheduler.Slots, s => s.Slot == "impostor/abslot3").State);
    }

    [Fact]
    public async Task Should_finish_the_build_once_on_another_host_and_bring_the_slots_back_When_sshd_dies_mid_build()
    {
        // Arrange: host B's slot drained, so the build can only start on host A.
        var hostB = Silo.Grains.GetGrain<IBuilderSlotGrain>("hostb/abslot3");
        await farm.WaitForSlotAsync("hostb/abslot3", s => s.State == SlotState.Idle, "idle");
        await hostB.DrainAsync();
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-ssh-failover", RulesBuild: "sleep 6"), farm.Scratch);
        var running = await Uploads.WaitAsync(Silo, "ab-ssh-failover", d => d.Builds.Any(b => b.State == BuildState.Running), "building");
        var first = Assert.Single(running.Builds);
        Assert.StartsWith("hosta/", first.Slot);
        // The live log on the garage side shows the build step while it still runs: output is streamed.
        var liveLog = Path.Combine(Silo.DataRoot, "logs", "bookworm", running.Summary.Id.Split('/')[1], running.Summary.Id.Split('/')[2],
            $"{first.Architecture}.1.log");
        await WaitForAsync(() => File.Exists(liveLog) && File.ReadAllText(liveLog).Contains("=== build ===", StringComparison.Ordinal),
            $"{liveLog} to show the build step");
        Assert.Equal(BuildState.Running, (await Silo.Grains.GetGrain<IUploadGrain>(running.Summary.Id).GetDetailsAsync())!.Builds[0].State);

        // Act: host A dies (daemon and sessions); host B takes builds again.
        farm.HostA.Stop();
        await hostB.EnableAsync();
        var done = await Uploads.WaitAsync(Silo, "ab-ssh-failover", d => d.Summary.State == UploadState.Done, "Done after the failover");
        var downA1 = await farm.SlotAsync("hosta/abslot1");
        var downA2 = await farm.SlotAsync("hosta/abslot2");
        farm.HostA.Resume();

        // Assert
        var build = Assert.Single(done.Builds);
        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        Assert.Equal(BuildOutcome.Success, build.Outcome);
        Assert.Equal("hostb/abslot3", build.Slot);
        Assert.Contains(done.History, h => h.Reason.Contains($"infrastructure error on {first.Slot}", StringComparison.Ordinal));
        // The retry may first reach host A's other slot, if its probe has not yet seen the host die:
        // every failed attempt was on host A, and host B finished it.
        var failures = done.History.Where(h => h.Reason.Contains("infrastructure error on", StringComparison.Ordinal)).ToList();
        Assert.Equal(build.Attempt - 1, failures.Count);
        Assert.All(failures, h => Assert.Contains("infrastructure error on hosta/", h.Reason));
        Assert.Equal(SlotState.Offline, downA1.State);
        Assert.Equal(SlotState.Offline, downA2.State);
        Assert.Contains("host down", downA1.Reason);
        var published = await Stage.StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-ssh-failover", "1.0-1");
        Assert.Empty(published.Status.Rejections);
        var landed = Directory.GetFiles(Pool("ab-ssh-failover"));
        // One .deb and its .buildinfo, with the source (.dsc, orig and debian tarballs): nothing twice.
        Assert.Equal(5, landed.Length);
        Assert.Single(landed, f => f.EndsWith(".deb", StringComparison.Ordinal));
        Assert.Single(landed, f => f.EndsWith(".buildinfo", StringComparison.Ordinal));
        Assert.Single(landed, f => f.EndsWith(".dsc", StringComparison.Ordinal));
        await farm.WaitForSlotAsync("hosta/abslot1", s => s.State == SlotState.Idle, "idle again after sshd came back");
        await farm.WaitForSlotAsync("hosta/abslot2", s => s.State == SlotState.Idle, "idle again after sshd came back");
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited 60 s for {what}");
            await Task.Delay(100);
        }
    }
}
