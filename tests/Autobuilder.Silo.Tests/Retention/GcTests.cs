using System.Text.Json;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Retention;

/// <summary>
/// `autobuilder gc` through a real silo: a built and published upload's files and a rejected
/// upload's folder go once past their retention, and not before; the stage's copy of the accepted
/// .changes goes too.
/// </summary>
public sealed class GcTests
{
    // About 26 s: long enough to look before it passes, short enough to wait for.
    private const double Days = 0.0003;

    [Fact]
    public async Task Should_remove_settled_uploads_rejected_files_and_accepted_changes_When_their_retention_has_passed()
    {
        // Arrange
        using var root = new TempDir("ab-gc-");
        await using var silo = new SiloProcess(root["var"], c => c["Autobuilder"]!["Retention"] = new JsonObject
        {
            ["SettledUploadDays"] = Days,
            ["RejectedDays"] = Days,
            ["AcceptedDays"] = Days,
            ["CheckHours"] = 24,
        });
        await silo.StartAsync();
        Uploads.Drop(silo, new SourcePackage(Name: "ab-gc-good"), root["scratch"]);
        Uploads.Drop(silo, new SourcePackage(Name: "ab-gc-bad"), root["scratch"], tamper: folder =>
            File.AppendAllText(Directory.GetFiles(folder, "*.orig.tar.gz").Single(), "tampered"));
        var good = await Uploads.WaitAsync(silo, "ab-gc-good", d => d.Summary.Settled, "built and settled", TimeSpan.FromMinutes(3));

        // Act 1: at once, too early for it (a dry run: it changes nothing, so the rest stays to look at).
        var early = Gc(silo, "--dry-run");

        // Assert 1
        Assert.Equal(0, Line(early, "garage", "settled uploads").GetProperty("removed").GetInt32());
        var bad = await Uploads.WaitAsync(silo, "ab-gc-bad", d => d.Summary.Settled, "rejected and settled");
        Assert.Equal(UploadState.Rejected, bad.Summary.State);
        var accepted = Path.Combine(silo.DataRoot, "repos", "db", "extras-devel", "bookworm", "accepted");
        await WaitUntilAsync(() => Directory.Exists(accepted) && Directory.EnumerateFiles(accepted, "ab-gc-good_*").Any(), "the stage to accept ab-gc-good");
        var results = Path.Combine(silo.DataRoot, "results", "bookworm", "ab-gc-good_1.0-1");
        var logs = Path.Combine(silo.DataRoot, "logs", "bookworm", "ab-gc-good_1.0-1");
        Assert.True(Directory.Exists(results) && Directory.Exists(logs), "the good upload left no results or logs to collect");
        Assert.True(Directory.Exists(bad.Folder));

        // Act 2: past the retention.
        var wait = good.Summary.UpdatedAt + TimeSpan.FromDays(Days) + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromDays(Days) + TimeSpan.FromSeconds(1)); // rejected/ and accepted/ are younger still
        if (wait > TimeSpan.FromDays(Days) + TimeSpan.FromSeconds(1))
            await Task.Delay(wait - TimeSpan.FromDays(Days) - TimeSpan.FromSeconds(1));
        var late = Gc(silo);

        // Assert 2
        Assert.True(Line(late, "garage", "settled uploads").GetProperty("removed").GetInt32() >= 1);
        Assert.True(Line(late, "garage", "rejected").GetProperty("removed").GetInt32() >= 1);
        Assert.True(Line(late, "stage", "accepted .changes").GetProperty("removed").GetInt32() >= 1);
        Assert.False(Directory.Exists(results), "results of a settled upload were kept");
        Assert.False(Directory.Exists(logs), "logs of a settled upload were kept");
        Assert.False(Directory.Exists(good.Folder), "uploads/ folder of a settled upload was kept");
        Assert.False(Directory.Exists(bad.Folder), "rejected/ folder was kept");
        Assert.Empty(Directory.EnumerateFiles(accepted, "ab-gc-good_*"));
        // The upload itself is still known (its history is the record), and the archive still serves it.
        var after = await silo.Grains.GetGrain<IUploadGrain>(good.Summary.Id).GetDetailsAsync();
        Assert.Equal(good.Summary.State, after!.Summary.State);
        var audit = AdminCli.Run(silo, "audit", "--json").Ok().Stdout;
        Assert.Contains("CollectAsync", audit);
    }

    private static JsonElement Gc(SiloProcess silo, params string[] more) =>
        JsonDocument.Parse(AdminCli.Run(silo, ["gc", "--json", .. more]).Ok().Stdout).RootElement;

    private static JsonElement Line(JsonElement reports, string role, string kind) =>
        reports.EnumerateArray().Single(r => r.GetProperty("role").GetString() == role)
            .GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("kind").GetString() == kind);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waiting for {what}");
            await Task.Delay(200);
        }
    }
}
