using Autobuilder.Grains;

namespace Autobuilder.Silo.Tests.Qa;

/// <summary>
/// The installability verdicts kept between reads (issue 15's speed): dose-debcheck runs once per
/// change of what it reads, not once per read; a publish to the target is such a change, so the
/// next read of the excuses shows the new verdict; votes are read fresh. On the QA tests' real silo
/// with the real dose-debcheck, its runs counted through the runner interface.
/// </summary>
[Collection(QaCollection.Name)]
public sealed class QaInstallabilityCacheTests(QaSilo silo)
{
    private static StagePackage Package(string name, string extra = "") =>
        new(name, "1.0-1", [SiloProcess.HostArchitecture], ExtraControl: extra);

    [Fact]
    public async Task Should_run_dose_debcheck_once_When_the_same_candidate_is_checked_twice_without_a_change()
    {
        // Arrange: extras-devel moves by request only (no reminder reads it); the runs counted are those that judged this package.
        await silo.DropAsync(Package("qa-cache-needy", "Depends: qa-cache-absent (>= 1)\n"));
        var devel = silo.Qa("extras-devel");
        var before = silo.Dose.RunsJudging("qa-cache-needy");

        // Act
        var first = await devel.RequestPromotionAsync(new PromotionRequest("qa-cache-needy", "1.0-1", null));
        var afterFirst = silo.Dose.RunsJudging("qa-cache-needy");
        var second = await devel.RequestPromotionAsync(new PromotionRequest("qa-cache-needy", "1.0-1", null));

        // Assert
        Assert.False(first.Ok, first.Message);
        Assert.Equal(["installable"], first.Reasons.Select(r => r.Kind));
        Assert.Contains("needs qa-cache-absent (>= 1)", first.Reasons[0].Text);
        Assert.Equal(first.Reasons.Select(r => r.Text), second.Reasons.Select(r => r.Text));
        Assert.Equal(before + 1, afterFirst);
        Assert.Equal(afterFirst, silo.Dose.RunsJudging("qa-cache-needy"));
    }

    [Fact]
    public async Task Should_show_it_installable_on_the_next_read_When_a_publish_to_the_target_brings_what_it_needs()
    {
        // Arrange: qa-cache-app in extras-testing needs qa-cache-lib, which extras lacks.
        await silo.AccountAsync("ivan");
        await silo.DropAsync(Package("qa-cache-lib"));
        await silo.DropAsync(Package("qa-cache-app", "Depends: qa-cache-lib (>= 1)\n"));
        await PromoteAsync("extras-devel", "extras-testing", "qa-cache-app");
        var testing = silo.Qa("extras-testing");
        // Every candidate read once (the reminder may have done so too): all are judged on these indices now.
        var broken = Excuse(await testing.GetExcusesAsync(null), "qa-cache-app");
        var runsBefore = silo.Dose.RunsJudging("qa-cache-app");

        // Act: reads without a change, a vote, then the publish of qa-cache-lib to extras (the target) and the next read.
        var again = Excuse(await testing.GetExcusesAsync(null), "qa-cache-app");
        Assert.True((await testing.VoteAsync(new QaVote("qa-cache-app", "1.0-1", "ivan", 1, "starts fine", false))).Ok);
        var voted = Excuse(await testing.GetExcusesAsync("qa-cache-app"));
        var runsUnchanged = silo.Dose.RunsJudging("qa-cache-app");
        await PromoteAsync("extras-devel", "extras", "qa-cache-lib");
        var installable = Excuse(await testing.GetExcusesAsync("qa-cache-app"));
        var runsAfterPublish = silo.Dose.RunsJudging("qa-cache-app");
        var readAgain = Excuse(await testing.GetExcusesAsync("qa-cache-app"));

        // Assert
        Assert.Equal("not installable: qa-cache-app (" + SiloProcess.HostArchitecture + ") needs qa-cache-lib (>= 1), which extras/bookworm and its base lack",
            Assert.Single(broken.Reasons, r => r.Kind == "installable").Text);
        Assert.Equal(broken.Reasons.Select(r => r.Text), again.Reasons.Select(r => r.Text));
        // The vote shows at once, from the record, while the verdict still comes from the cache.
        Assert.Equal(1, voted.Karma);
        Assert.Contains(voted.Votes, v => v.Login == "ivan" && v.Value == 1);
        Assert.Equal(runsBefore, runsUnchanged);
        Assert.DoesNotContain(installable.Reasons, r => r.Kind == "installable");
        Assert.Equal(1, installable.Karma);
        Assert.True(runsAfterPublish > runsUnchanged, "the publish to the target made a new dose-debcheck run");
        Assert.Equal(installable.Reasons.Select(r => r.Text), readAgain.Reasons.Select(r => r.Text));
        Assert.Equal(runsAfterPublish, silo.Dose.RunsJudging("qa-cache-app"));
    }

    /// <summary>The stage's own copy (what the ladder does on a promotion), waited for until the target is live with it.</summary>
    private async Task PromoteAsync(string from, string to, string source)
    {
        var result = await silo.Distribution(to).PromoteFromAsync(from, "bookworm", source, "1.0-1");
        Assert.True(result.Ok, result.Message);
        await silo.WaitForAsync(to, source, "1.0-1");
    }

    private static QaExcuse Excuse(QaExcuses excuses, string? source = null) =>
        source is null ? Assert.Single(excuses.Packages) : Assert.Single(excuses.Packages, p => p.Source == source);
}
