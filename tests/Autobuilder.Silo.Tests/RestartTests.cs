using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>A silo killed with SIGKILL in the middle of the work loses nothing and publishes nothing twice.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Should_finish_the_upload_once_When_the_silo_is_killed_during_a_build()
    {
        using var root = new TempDir("ab-restart-");
        await using var silo = new SiloProcess(root["var"]);
        await silo.StartAsync();
        Uploads.Drop(silo, new SourcePackage(Name: "ab-crash", RulesBuild: "sleep 6"), root["scratch"]);
        await Uploads.WaitAsync(silo, "ab-crash", d => d.Builds.Any(b => b.State == BuildState.Running), "building");

        await silo.KillAsync();
        await silo.StartAsync();
        var done = await Uploads.WaitAsync(silo, "ab-crash", d => d.Summary.State == UploadState.Done, "Done after the restart");

        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        var build = Assert.Single(done.Builds);
        Assert.Equal(BuildOutcome.Success, build.Outcome);
        Assert.Equal(2, build.Attempt);
        Assert.Contains(done.History, h => h.Reason.Contains("restarted during the build", StringComparison.Ordinal));
        // Offered once: the stage published one .deb (with its .buildinfo) and the source (.dsc, orig and debian tarballs), nothing twice.
        var published = await Stage.StageQueue.WaitForAsync(silo, "extras-devel/bookworm", "ab-crash", "1.0-1");
        Assert.Empty(published.Status.Rejections);
        var pool = Directory.GetFiles(Path.Combine(Stage.StageQueue.Live(silo, "extras-devel"), "pool", "main", "a", "ab-crash"));
        Assert.Equal(5, pool.Length);
        Assert.Single(pool, f => f.EndsWith(".deb", StringComparison.Ordinal));
        Assert.Single(pool, f => f.EndsWith(".dsc", StringComparison.Ordinal));
        Assert.Single(done.Publications!, p => p.Published);
        var mails = Directory.GetFiles(Path.Combine(silo.DataRoot, "outbox"), "*.eml");
        Assert.Single(mails, m => File.ReadAllText(m).Contains("(bookworm): built", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_take_uploads_that_arrived_while_the_silo_was_down()
    {
        using var root = new TempDir("ab-down-");
        await using var silo = new SiloProcess(root["var"]);
        var package = new SourcePackage(Name: "ab-while-down");
        var build = root["scratch"];
        Directory.CreateDirectory(build);
        var dsc = package.BuildSource(build);
        Uploads.CopyIn(dsc, silo.Incoming());

        await silo.StartAsync();
        var done = await Uploads.WaitAsync(silo, "ab-while-down", d => d.Summary.State == UploadState.Done, "Done");

        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        Assert.Empty(Directory.GetFiles(silo.Incoming()));
    }
}
