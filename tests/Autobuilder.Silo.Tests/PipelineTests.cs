using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>Uploads through a real silo: real dpkg-source, dpkg-buildpackage and SMTP.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PipelineTests(PipelineFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    [Fact]
    public async Task Should_build_and_queue_the_debs_and_mail_success_When_a_good_upload_lands()
    {
        var package = new SourcePackage(Name: "ab-good");
        Uploads.Drop(Silo, package, fixture.Scratch);

        var done = await Uploads.WaitAsync(Silo, "ab-good", d => d.Summary.State == UploadState.Done, "Done");

        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        var states = done.History.Select(h => h.To).Distinct().ToList();
        Assert.Equal([UploadState.Received, UploadState.Verified, UploadState.Queued, UploadState.Building, UploadState.Built, UploadState.Publishing, UploadState.Published, UploadState.Done], states);
        // The upload offered its packages to extras-devel, which took them into its pool.
        await Stage.StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-good", "1.0-1");
        var deb = Path.Combine(Stage.StageQueue.Live(Silo, "extras-devel"), "pool", "main", "a", "ab-good", $"ab-good_1.0-1_{SiloProcess.HostArchitecture}.deb");
        Assert.True(File.Exists(deb), $"{deb} missing");
        Assert.Contains("Package: ab-good", Tool.Run("dpkg-deb", "--info", deb).Ok().Stdout);
        var mail = await fixture.WaitForMailAsync($"ab-good 1.0-1 {SiloProcess.HostArchitecture} (bookworm): built");
        Assert.Contains("uploader@example.org", mail.To.ToString());
        Assert.Contains("builds@example.org", mail.Cc.ToString());
        Assert.Contains("Last lines of the log:", mail.TextBody);
    }

    [Fact]
    public async Task Should_run_two_builds_at_the_same_time_When_two_slots_are_free()
    {
        // Each build sleeps long enough that two builds run one after the other could not overlap.
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-par-one", RulesBuild: "sleep 4"), fixture.Scratch);
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-par-two", RulesBuild: "sleep 4"), fixture.Scratch);

        var one = await Uploads.WaitAsync(Silo, "ab-par-one", d => d.Summary.State == UploadState.Done, "Done");
        var two = await Uploads.WaitAsync(Silo, "ab-par-two", d => d.Summary.State == UploadState.Done, "Done");

        var a = Assert.Single(one.Builds);
        var b = Assert.Single(two.Builds);
        Assert.Equal(BuildOutcome.Success, a.Outcome);
        Assert.Equal(BuildOutcome.Success, b.Outcome);
        Assert.NotEqual(a.Slot, b.Slot);
        Assert.True(a.Started < b.Finished && b.Started < a.Finished,
            $"build intervals do not overlap: {a.Started:O}..{a.Finished:O} and {b.Started:O}..{b.Finished:O}");
    }

    [Fact]
    public async Task Should_end_failed_with_the_log_tail_in_the_mail_When_debian_rules_fails()
    {
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-fails", RulesBuild: "echo 'compiler says: no' && exit 1"), fixture.Scratch);

        var done = await Uploads.WaitAsync(Silo, "ab-fails", d => d.Summary.State == UploadState.Done, "Done");

        Assert.Equal(UploadState.Failed, done.Summary.Outcome);
        Assert.Equal(BuildOutcome.BuildFailed, Assert.Single(done.Builds).Outcome);
        Assert.Equal(1, done.Builds[0].Attempt);
        var mail = await fixture.WaitForMailAsync("ab-fails 1.0-1");
        Assert.Contains("FAILED", mail.Subject);
        Assert.Contains("compiler says: no", mail.TextBody);
    }

    [Fact]
    public async Task Should_end_dep_wait_naming_the_dependency_When_a_build_dependency_is_missing()
    {
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-depwait", BuildDepends: "ab-no-such-package (>= 2)"), fixture.Scratch);

        var done = await Uploads.WaitAsync(Silo, "ab-depwait", d => d.Summary.State == UploadState.Done, "Done");

        Assert.Equal(UploadState.DepWait, done.Summary.Outcome);
        Assert.Contains(done.History, h => h.Reason.Contains("ab-no-such-package (>= 2)", StringComparison.Ordinal));
        var mail = await fixture.WaitForMailAsync("ab-depwait 1.0-1");
        Assert.Contains("DEP-WAIT", mail.Subject);
        Assert.Contains("ab-no-such-package (>= 2)", mail.TextBody);
    }
}
