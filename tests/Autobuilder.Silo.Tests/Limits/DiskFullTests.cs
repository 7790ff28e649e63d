using System.Text.Json;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Limits;

/// <summary>
/// A full disk (issue 14, point 4) and hand-offs retried in sight (point 7), on a real silo whose
/// data root is a 64 MiB tmpfs the test mounts (as root) and fills with fallocate: under the
/// reserve intake leaves a new upload in incoming, a queued build waits with the reason while free
/// slots stand by, and the stage's publish waits with live on the previous generation; a moment at
/// zero bytes free truncates no state file; freed, everything resumes by itself (the waiting build
/// runs, the stage's generation goes live, the upload is published). The mail server
/// is a port nobody listens on, so every mail is a failed hand-off that <c>status</c> lists.
/// </summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private const long Reserve = 20L << 20;

    private readonly TempDir _root = new("ab-diskfull-");
    private SiloProcess _silo = null!;
    private string Mount => _root["tmpfs"];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Mount);
        Tool.Run("mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "tmpfs", Mount).Ok();
        _silo = new SiloProcess(Path.Combine(Mount, "var"), config =>
        {
            config["Autobuilder"]!["Disk"] = new JsonObject { ["ReserveBytes"] = Reserve, ["ReservePercent"] = 0, ["CheckSeconds"] = 0.5 };
            config["Autobuilder"]!["MailRetrySeconds"] = 1;
            config["Autobuilder"]!["PublishRetrySeconds"] = 1;
            var mail = config["Mail"]!.AsObject();
            mail["Host"] = "127.0.0.1";
            mail["Port"] = SiloProcess.FreePort();
            mail["Security"] = "None";
        }, name: "diskfull");
        try
        {
            await _silo.StartAsync();
        }
        catch
        {
            // xunit does not dispose a test whose InitializeAsync failed: the mount must not outlive it.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Tool.Run("umount", "-l", Mount);
        _root.Dispose();
    }

    [Fact]
    public async Task Should_refuse_with_a_reason_and_resume_by_itself_When_the_data_root_falls_under_its_reserve()
    {
        var scratch = _root["scratch"].EnsureFolder();

        // A rejected upload: its mail goes nowhere and waits to be tried again.
        Tool.Run("mkfifo", Path.Combine(_silo.Incoming(), "disk-bad_1.0-1.dsc")).Ok();
        await Uploads.WaitAsync(_silo, "disk-bad", d => d.Summary.State == UploadState.Rejected, "rejected");

        // A build queued while both slots are drained, so it is still waiting when the disk fills.
        var scheduler = _silo.Grains.GetGrain<IBuildSchedulerGrain>(0);
        var slots = (await scheduler.GetStatusAsync()).Slots.Select(s => s.Slot).ToList();
        Assert.NotEmpty(slots);
        foreach (var slot in slots)
            await _silo.Grains.GetGrain<IBuilderSlotGrain>(slot).DrainAsync();
        await WaitForAsync(async () => (await scheduler.GetStatusAsync()).Slots.All(s => s.State == SlotState.Draining) ? "drained" : null, "the slots to be drained");
        Uploads.Drop(_silo, new SourcePackage("disk-queued"), scratch);
        await Uploads.WaitAsync(_silo, "disk-queued", d => d.History.Any(h => h.To == UploadState.Queued), "queued");
        var stage = _silo.Grains.GetGrain<IDistributionGrain>("extras-devel/bookworm");
        var liveBefore = (await WaitForAsync(async () => await stage.GetStatusAsync() is { LiveGeneration: not null } s ? s : null, "a first publish")).LiveGeneration;
        var liveLink = Path.Combine(_silo.DataRoot, "repos", "live", "extras-devel", "dists", "bookworm");
        var linkBefore = File.ResolveLinkTarget(liveLink, returnFinalTarget: false)?.FullName;

        // Under the reserve: a third of it left. The silo measures at most every CheckSeconds
        // (0.5 s): after a second, whatever asks sees the disk under its reserve.
        var filler = Path.Combine(Mount, "filler");
        Tool.Run("fallocate", "-l", (Free() - Reserve / 3).ToString(System.Globalization.CultureInfo.InvariantCulture), filler).Ok();
        Assert.True(Free() < Reserve, $"{Free()} bytes free");
        await Task.Delay(TimeSpan.FromSeconds(1));

        // The slots come back, but the queued build waits, and says why.
        foreach (var slot in slots)
            await _silo.Grains.GetGrain<IBuilderSlotGrain>(slot).EnableAsync();
        var waiting = await WaitForAsync(async () => (await scheduler.GetQueueAsync()).Waiting.FirstOrDefault(q => q.Wait == WaitKind.DiskUnderReserve), "the build to wait for disk");
        Assert.Contains("disk under reserve:", waiting.Reason);
        Assert.Contains("reserve 20.0 MiB (Autobuilder:Disk)", waiting.Reason);
        Assert.Contains("disk under reserve", AdminCli.Run(_silo, "queue").Ok().Stdout);

        // The stage takes a .changes from its queue into the journal, but its publish waits: live stays where it was.
        StagePackage.Drop(new StagePackage("disk-stage").Build(scratch), Path.Combine(_silo.DataRoot, "repo-incoming", "extras-devel", "bookworm"));
        var held = await WaitForAsync(async () => await stage.GetStatusAsync() is { } s && s.Generation > s.PublishedGeneration && s.LastError is not null ? s : null,
            "the stage's publish to wait for disk");
        Assert.Contains("waits: disk under reserve", held.LastError);
        Assert.Contains("goes live by itself when space returns", held.LastError);
        Assert.Equal(liveBefore, held.LiveGeneration);
        Assert.Equal(linkBefore, File.ResolveLinkTarget(liveLink, returnFinalTarget: false)?.FullName);

        // A new upload is left in incoming, whole, untaken; status says why.
        var dsc = Uploads.Drop(_silo, new SourcePackage("disk-later"), scratch);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.True(File.Exists(dsc), "intake took an upload under the reserve");
        // Those seconds, the enabled slots were free: no build started.
        var queued = await Uploads.WaitAsync(_silo, "disk-queued", _ => true, "read");
        Assert.DoesNotContain(queued.History, h => h.To == UploadState.Building);
        Assert.Empty((await scheduler.GetStatusAsync()).Running);
        Assert.DoesNotContain(await _silo.Grains.GetGrain<IUploadRegistryGrain>("bookworm").ListAsync(100), u => u.Source == "disk-later");
        var status = AdminCli.Run(_silo, "status").Ok().Stdout;
        Assert.Contains($"{_silo.DataRoot}: ", status);
        Assert.Contains("reserve 20.0 MiB — UNDER RESERVE: intake takes no new upload, builds and publishes wait", status);
        // What each folder of the data root holds (the filler lies beside it, not in it).
        Assert.Matches(@"Disk use: \S+: .*incoming [0-9.]+ (bytes|KiB|MiB) \(\d+ files\).*state [0-9.]+ (bytes|KiB|MiB) \(\d+ files\)", status);
        // The mails nobody takes are hand-offs waiting in sight: what, since when, attempts, next try, last error.
        Assert.Matches(@"Mail\s+mail of upload bookworm/disk-bad_1\.0-1/\d+: since .*, \d+ attempt\(s\), next .*; last error: ", status);

        // A moment with nothing free at all: writes fail, but no state file is left cut short.
        var rest = Path.Combine(Mount, "rest");
        Tool.Run("fallocate", "-l", Free().ToString(System.Globalization.CultureInfo.InvariantCulture), rest).Ok();
        await Task.Delay(TimeSpan.FromSeconds(3));
        File.Delete(rest);
        AssertStateFilesWhole();
        Assert.Equal(liveBefore, (await stage.GetStatusAsync()).LiveGeneration);

        // Space returns: the upload left in incoming is taken, built and published (its mails wait for
        // this mail server, which never answers; they do not hold the offer).
        File.Delete(filler);
        var published = await Uploads.WaitAsync(_silo, "disk-later", d => d.Summary.Settled || d.History.Any(h => h.To == UploadState.Published),
            "published", TimeSpan.FromMinutes(4));
        Assert.True(published.History.Any(h => h.To == UploadState.Published), $"disk-later: {published.Summary.State}/{published.Summary.Outcome}: {published.Summary.LastReason}");
        Assert.False(File.Exists(dsc));
        // The build that waited ran by itself, and the stage's waiting publish went live by itself.
        var ran = await Uploads.WaitAsync(_silo, "disk-queued", d => d.Summary.Settled || d.History.Any(h => h.To == UploadState.Published),
            "published", TimeSpan.FromMinutes(2));
        Assert.True(ran.History.Any(h => h.To == UploadState.Published), $"disk-queued: {ran.Summary.State}/{ran.Summary.Outcome}: {ran.Summary.LastReason}");
        var after = await WaitForAsync(async () => await stage.GetStatusAsync() is { LastError: null, InSync: true } s && s.LiveGeneration >= held.Generation ? s : null,
            "the stage's publish to go live");
        Assert.True(after.LiveGeneration >= held.Generation, $"live {after.LiveGeneration}, the held generation {held.Generation}");
        Assert.Contains((await stage.GetDetailsAsync()).Sources, p => p.Source == "disk-stage");
        Assert.DoesNotContain("UNDER RESERVE", AdminCli.Run(_silo, "status").Ok().Stdout);
        AssertStateFilesWhole();
    }

    private long Free() => new DriveInfo(Mount).AvailableFreeSpace;

    /// <summary>Every grain state file parses as the JSON document it was written as (written by temp file and rename).</summary>
    private void AssertStateFilesWhole()
    {
        var state = Path.Combine(_silo.DataRoot, "state");
        var files = Directory.EnumerateFiles(state, "*.json", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            Assert.True(text.Length > 0, $"{file} is empty");
            try
            {
                Assert.NotNull(JsonNode.Parse(text)?["state"]);
            }
            catch (JsonException ex)
            {
                Assert.Fail($"{file} is cut short: {ex.Message}");
            }
        }
    }

    private async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
                return value;
            await Task.Delay(250);
        }
        var status = await _silo.Grains.GetGrain<IBuildSchedulerGrain>(0).GetQueueAsync();
        throw new TimeoutException($"waiting for {what}; waiting builds: {string.Join(", ", status.Waiting.Select(q => $"{q.BuildId} {q.Wait} {q.Reason}"))}; "
            + $"running: {string.Join(", ", status.Running.Select(q => q.BuildId))}\nsilo output:\n{_silo.Output[^Math.Min(_silo.Output.Length, 6000)..]}");
    }
}
