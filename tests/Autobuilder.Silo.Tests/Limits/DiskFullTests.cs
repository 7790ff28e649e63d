using System.Text.Json;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Limits;

/// <summary>
/// A full disk (issue 14, point 4) and hand-offs retried in sight (point 7), on a real silo whose
/// data root is a 64 MiB tmpfs the test mounts (as root) and fills with fallocate: under the
/// reserve intake leaves a new upload in incoming and builds wait with the reason; a moment at
/// zero bytes free truncates no state file; freed, everything resumes by itself (the upload is published). The mail server
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

        // Under the reserve: a third of it left.
        var filler = Path.Combine(Mount, "filler");
        Tool.Run("fallocate", "-l", (Free() - Reserve / 3).ToString(System.Globalization.CultureInfo.InvariantCulture), filler).Ok();
        Assert.True(Free() < Reserve, $"{Free()} bytes free");

        // A new upload is left in incoming, whole, untaken; status says why.
        var dsc = Uploads.Drop(_silo, new SourcePackage("disk-later"), scratch);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.True(File.Exists(dsc), "intake took an upload under the reserve");
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

        // Space returns: the upload left in incoming is taken, built and published (its mails wait for
        // this mail server, which never answers; they do not hold the offer).
        File.Delete(filler);
        var published = await Uploads.WaitAsync(_silo, "disk-later", d => d.Summary.Settled || d.History.Any(h => h.To == UploadState.Published),
            "published", TimeSpan.FromMinutes(4));
        Assert.True(published.History.Any(h => h.To == UploadState.Published), $"disk-later: {published.Summary.State}/{published.Summary.Outcome}: {published.Summary.LastReason}");
        Assert.False(File.Exists(dsc));
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
