using System.Diagnostics;
using Autobuilder.Grains;
using Autobuilder.Testing;
using Xunit.Abstractions;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// Issue 14 point 5: the cluster's PostgreSQL goes away during uploads, once stopped for 30 s and
/// once killed with SIGKILL. The silos keep running and answering what they can, refuse what needs
/// the database with words that say so (never an Orleans codec error), and when the database is back
/// every upload of the test ends Published, by itself.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DatabaseOutageTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    // The build of ab-pgdown-a ends while PostgreSQL is stopped: its upload's state write fails
    // there, and the upload writes it again and resumes by itself (UploadGrain.Resume.cs).
    [Fact]
    public async Task Should_publish_every_upload_When_PostgreSQL_is_stopped_for_30_s_and_killed_during_uploads()
    {
        var names = new List<string>();
        void Upload(string name, string? rules = null)
        {
            fixture.UploadSigned(new SourcePackage(Name: name, RulesBuild: rules ?? ""));
            names.Add(name);
        }

        // Arrange: two uploads on their way.
        Upload("ab-pgdown-a", "sleep 3");
        Upload("ab-pgdown-b");
        await Uploads.WaitAsync(fixture.Garage, "ab-pgdown-a", d => d.Summary.State is not (UploadState.Received or UploadState.Verified), "past verification");

        // Act 1: PostgreSQL stopped (fast shutdown) for 30 s; an upload lands meanwhile.
        await fixture.Postgres.StopAsync();
        var stoppedAt = Stopwatch.StartNew();
        try
        {
            Upload("ab-pgdown-c");
            // The silos answer what needs no database: the console's status through the garage, an upload's details.
            var status = ClusterCli.Run(["status", .. Gateway()]);
            output.WriteLine($"status with the database stopped: exit {status.ExitCode}\n{status.Stdout}\n{status.Stderr}");
            Assert.True(status.ExitCode == 0 || status.Stderr.Contains("database", StringComparison.OrdinalIgnoreCase),
                $"status neither answered nor said the database is away:\n{status.Stdout}\n{status.Stderr}");
            Assert.DoesNotContain("Codec", status.Stdout + status.Stderr);
            var seen = await TryAsync(() => fixture.Garage.Grains.GetGrain<IUploadRegistryGrain>("bookworm").ListAsync(100));
            output.WriteLine($"registry list with the database stopped: {seen}");
            Assert.DoesNotContain("Codec", seen);
            var left = Outage - stoppedAt.Elapsed;
            if (left > TimeSpan.Zero)
                await Task.Delay(left);
        }
        finally
        {
            await fixture.Postgres.RestartAsync();
        }
        var backAt = Stopwatch.StartNew();
        output.WriteLine($"PostgreSQL stopped for {stoppedAt.Elapsed.TotalSeconds:0.0} s");
        Upload("ab-pgdown-d");
        var firstAfterStop = await AllDoneAsync(["ab-pgdown-a", "ab-pgdown-b", "ab-pgdown-c"], TimeSpan.FromMinutes(3));
        var recoveredAfterStop = backAt.Elapsed;

        // Act 2: killed -9 while an upload builds and another lands; back 5 s later.
        Upload("ab-pgdown-e", "sleep 3");
        await Uploads.WaitAsync(fixture.Garage, "ab-pgdown-e", d => d.Summary.State is not (UploadState.Received or UploadState.Verified), "past verification");
        await fixture.Postgres.KillAsync();
        try
        {
            Upload("ab-pgdown-f");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await fixture.Postgres.RestartAsync();
        }
        var backAfterKill = Stopwatch.StartNew();
        await AllDoneAsync(["ab-pgdown-d", "ab-pgdown-e", "ab-pgdown-f"], TimeSpan.FromMinutes(3));
        var recoveredAfterKill = backAfterKill.Elapsed;

        // Assert: every upload Published once; no silo died; no codec error anywhere.
        foreach (var name in names)
        {
            var done = await Uploads.WaitAsync(fixture.Garage, name, d => d.Summary.State == UploadState.Done, "Done");
            Assert.Equal(UploadState.Published, done.Summary.Outcome);
            Assert.Single(done.Publications ?? []);
        }
        foreach (var silo in fixture.Silos)
        {
            Assert.True(silo.ProcessId is not null, $"{silo.Name} exited ({silo.ExitCode}) while the database was away:\n{silo.Output[^Math.Min(silo.Output.Length, 4000)..]}");
            Assert.DoesNotContain("CodecNotFoundException", silo.Output);
        }
        output.WriteLine($"{names.Count} uploads, all Published; stopped 30 s: all three uploads Done {recoveredAfterStop.TotalSeconds:0.0} s after PostgreSQL was back " +
                         $"({firstAfterStop}); killed -9: the three later ones Done {recoveredAfterKill.TotalSeconds:0.0} s after it was back");
    }

    private string[] Gateway() => ["--gateway", fixture.Garage.Gateway, "--cert", fixture.AdminCertificate];

    private static async Task<string> TryAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return $"answered: {await call()}";
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().FullName}: {ex.Message}";
        }
    }

    /// <summary>Until each upload is Done; calls that fail meanwhile (the database catching up) are tried again. Returns when the first was Done.</summary>
    private async Task<string> AllDoneAsync(string[] sources, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        var doneAt = new Dictionary<string, TimeSpan>();
        var last = "";
        while (sw.Elapsed < timeout)
        {
            try
            {
                var list = await fixture.Garage.Grains.GetGrain<IUploadRegistryGrain>("bookworm").ListAsync(500);
                foreach (var source in sources.Where(s => !doneAt.ContainsKey(s)))
                {
                    var summary = list.Where(u => u.Source == source).OrderByDescending(u => u.ReceivedAt).FirstOrDefault();
                    if (summary?.State == UploadState.Done)
                        doneAt[source] = sw.Elapsed;
                }
                last = string.Join(", ", sources.Select(s => $"{s}: {list.FirstOrDefault(u => u.Source == s)?.State.ToString() ?? "not registered"}"));
                if (doneAt.Count == sources.Length)
                    return string.Join(", ", doneAt.Select(kv => $"{kv.Key} {kv.Value.TotalSeconds:0.0} s"));
            }
            catch (Exception ex)
            {
                Assert.DoesNotContain("Codec", ex.ToString());
                last = $"{ex.GetType().Name}: {ex.Message}";
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"waiting {timeout} for {string.Join(", ", sources)} to be Done; last seen: {last}\n" +
            string.Join("\n", fixture.Silos.Select(s => $"--- {s.Name}:\n{s.Output[^Math.Min(s.Output.Length, 3000)..]}")));
    }
}
