using System.Text.Json;
using Autobuilder.Grains;

namespace Autobuilder.Silo.Tests.Qa;

/// <summary>
/// The QA ladder (issue 15) on a real silo: real accounts, real packages (dpkg-deb, dpkg-genchanges)
/// through the stage, real dose-debcheck and lintian, the real console; days of quarantine pass by
/// moving the grains' TimeProvider, and the reminder (every 3 s here) does the promoting.
/// </summary>
[Collection(QaCollection.Name)]
public sealed class QaLadderTests(QaSilo silo)
{
    private const string Devel = "extras-devel/bookworm";
    private const string Testing = "extras-testing/bookworm";

    private static StagePackage Package(string name, string version = "1.0-1", string extra = "") =>
        new(name, version, [SiloProcess.HostArchitecture], ExtraControl: extra);

    [Fact]
    public async Task Should_refuse_naming_the_missing_dependency_When_a_binary_needs_what_the_target_lacks()
    {
        // Arrange
        await silo.DropAsync(Package("qa-needy", extra: "Depends: qa-libmissing (>= 2)\n"));

        // Act
        var request = silo.Console("repo", "request-promotion", "qa-needy", "1.0-1", "--from", Devel);

        // Assert
        Assert.Equal(1, request.ExitCode);
        Assert.Contains($"installable: not installable: qa-needy ({SiloProcess.HostArchitecture}) needs qa-libmissing (>= 2), which {Testing} and its base lack",
            request.Stderr);
        Assert.False(await silo.HoldsAsync("extras-testing", "qa-needy"));
    }

    [Fact]
    public async Task Should_answer_checking_and_then_refuse_naming_the_tag_When_lintian_emits_a_blocking_tag()
    {
        // Arrange
        await silo.DropAsync(Package("qa-essential", extra: "Essential: yes\n"));

        // Act: the console's request answers at once (lintian runs sandboxed, outside the call) …
        var request = silo.Console("repo", "request-promotion", "qa-essential", "1.0-1", "--from", Devel);
        var checking = Excuse(await silo.Qa("extras-devel").GetExcusesAsync("qa-essential"));
        // … and lintian's answer lands in the excuses.
        var answer = await silo.RequestAsync(new PromotionRequest("qa-essential", "1.0-1", null));

        // Assert
        Assert.True(request.ExitCode == 0, request.Stderr);
        Assert.Contains("lintian is checking", request.Stdout);
        Assert.StartsWith("being checked (lintian)", checking.Requested);
        Assert.Equal("lintian", Assert.Single(checking.Reasons).Kind);
        Assert.False(answer.Ok, answer.Message);
        var lintian = Assert.Single(answer.Reasons);
        Assert.Equal("lintian", lintian.Kind);
        Assert.Equal("lintian tag new-essential-package (E) on qa-essential blocks extras-devel → extras-testing: by request, automatic checks", lintian.Text);
        Assert.False(await silo.HoldsAsync("extras-testing", "qa-essential"));
    }

    [Fact]
    public async Task Should_promote_on_the_day_quarantine_ends_When_karma_is_enough_and_no_blocker_holds_it()
    {
        // Arrange: alice owns qa-hello; bob, carol and dave test it.
        foreach (var (login, owns) in new[] { ("alice", "qa-hello"), ("bob", null), ("carol", null), ("dave", null) })
            await silo.AccountAsync(login, owns);
        await silo.DropAsync(Package("qa-hello"));
        var testing = silo.Qa("extras-testing");

        // Act: alice asks, the checks pass, it is in extras-testing
        var request = await silo.RequestAsync(new PromotionRequest("qa-hello", "1.0-1", "alice"));
        Assert.True(request.Ok, request.Message + string.Join("; ", request.Reasons.Select(r => r.Text)));
        Assert.True(await silo.HoldsAsync("extras-testing", "qa-hello"));

        // Votes: not on one's own package, a -1 says why, then karma 2
        var own = await testing.VoteAsync(new QaVote("qa-hello", "1.0-1", "alice", 1, "mine", false));
        var silent = await testing.VoteAsync(new QaVote("qa-hello", "1.0-1", "bob", -1, "", false));
        Assert.True((await testing.VoteAsync(new QaVote("qa-hello", "1.0-1", "bob", 1, "works", false))).Ok);
        var vote = silo.Console("repo", "vote", "qa-hello", "1.0-1", "up", "--in", Testing, "--as", "carol", "--comment", "fine here");

        // Day 9: the reminder runs and leaves it there
        silo.Clock.Advance(TimeSpan.FromDays(9));
        await silo.WaitForRulesRunAsync();
        var day9 = Excuse(await testing.GetExcusesAsync("qa-hello"));

        // A blocker from dave; day 10.5: karma 1 and the blocker hold it
        var blocker = await testing.VoteAsync(new QaVote("qa-hello", "1.0-1", "dave", -1, "crashes on start", true));
        silo.Clock.Advance(TimeSpan.FromDays(1.5));
        await silo.WaitForRulesRunAsync();
        var held = Excuse(await testing.GetExcusesAsync("qa-hello"));
        var stillInTesting = !await silo.HoldsAsync("extras", "qa-hello");

        // The operator voids the blocker: the reminder promotes it
        var voided = silo.Console("repo", "void-vote", "qa-hello", "--in", Testing, "--voter", "dave", "--reason", "not reproducible");
        await silo.WaitForAsync("extras", "qa-hello", "1.0-1");
        var decision = (await testing.GetExcusesAsync("qa-hello")).Decisions.Last(d => d.Source == "qa-hello");

        // A new upload: a new round, karma 0 again
        await silo.DropAsync(Package("qa-hello", "1.0-2"));
        var second = await silo.RequestAsync(new PromotionRequest("qa-hello", "1.0-2", "alice"));
        var round2 = Excuse(await testing.GetExcusesAsync("qa-hello"));
        var votes2 = await testing.GetVotesAsync("qa-hello");

        // The stable repository can be pulled from too
        var pulled = silo.Console("repo", "demote", "qa-hello", "--from", "extras/bookworm", "--reason", "security risk found");

        // Assert
        Assert.False(own.Ok);
        Assert.Equal("account alice may not vote on qa-hello: it is its own package (owner or uploader)", own.Message);
        Assert.False(silent.Ok);
        Assert.StartsWith("a -1 needs a comment", silent.Message);
        Assert.True(vote.ExitCode == 0, vote.Stderr);
        Assert.Contains("karma now 2 of 2", vote.Stdout);
        Assert.Equal([("quarantine", "1 day left in quarantine (9 of 10 days in extras-testing/bookworm)")], day9.Reasons.Select(r => (r.Kind, r.Text)));
        Assert.Equal(2, day9.Karma);
        Assert.True(blocker.Ok, blocker.Message);
        Assert.True(stillInTesting);
        Assert.Equal([("karma", "karma 1 of 2"), ("blocker", "blocked by a −1 from dave: crashes on start")], held.Reasons.Select(r => (r.Kind, r.Text)));
        Assert.True(voided.ExitCode == 0, voided.Stderr);
        Assert.Equal("promoted", decision.Kind);
        Assert.StartsWith("extras-testing → extras: 10 days, karma 2, automatic checks (the quarantine reminder; passed: not-backwards, quarantine, karma, blocker, earlier-blocker",
            decision.Rule);
        Assert.True(second.Ok, second.Message + string.Join("; ", second.Reasons.Select(r => r.Text)));
        Assert.Equal("1.0-2", round2.Version);
        Assert.Equal("1.0-1", round2.TargetVersion);
        Assert.Equal(["quarantine", "karma"], round2.Reasons.Select(r => r.Kind));
        Assert.Equal("karma 0 of 2", round2.Reasons[1].Text);
        Assert.Equal((2, 0), (votes2.Round, votes2.Current.Count));
        Assert.True(pulled.ExitCode == 0, pulled.Stderr);
        Assert.False(await silo.HoldsAsync("extras", "qa-hello"));
        Assert.Contains(Directory.GetFiles(silo.Outbox), f => File.ReadAllText(f) is var mail && mail.Contains("alice@example.org") && mail.Contains("security risk found"));
    }

    [Fact]
    public async Task Should_take_it_out_and_mail_the_maintainer_When_karma_falls_below_the_floor()
    {
        // Arrange
        foreach (var (login, owns) in new[] { ("frank", "qa-drain"), ("gina", null), ("hank", null) })
            await silo.AccountAsync(login, owns);
        await silo.DropAsync(Package("qa-drain"));
        Assert.True((await silo.RequestAsync(new PromotionRequest("qa-drain", "1.0-1", "frank"))).Ok);
        var testing = silo.Qa("extras-testing");

        // Act
        var first = await testing.VoteAsync(new QaVote("qa-drain", "1.0-1", "gina", -1, "drains the battery", false));
        var stays = await silo.HoldsAsync("extras-testing", "qa-drain");
        var second = await testing.VoteAsync(new QaVote("qa-drain", "1.0-1", "hank", -1, "battery empty in an hour", false));

        // Assert
        Assert.True(first.Ok && stays, first.Message);
        Assert.True(second.Ok, second.Message);
        Assert.Contains("demoted", second.Message);
        Assert.False(await silo.HoldsAsync("extras-testing", "qa-drain"));
        Assert.True(await silo.HoldsAsync("extras-devel", "qa-drain"));
        // Long lines of the outbox's MIME text are quoted-printable: their soft breaks joined again.
        var mail = Directory.GetFiles(silo.Outbox).Select(f => File.ReadAllText(f).Replace("=\r\n", "").Replace("=\n", "")).Single(m => m.Contains("qa-drain"));
        Assert.Contains("frank@example.org", mail);
        Assert.Contains("karma -2 fell below -1 after a -1 from hank: battery empty in an hour", mail);
    }

    [Fact]
    public async Task Should_give_each_reason_kind_When_repo_excuses_json_is_asked()
    {
        // Arrange: qa-app needs qa-lib (>= 2), which extras-testing gets first and extras lacks; eve blocks qa-app.
        await silo.AccountAsync("eve");
        await silo.DropAsync(Package("qa-lib", "2.0-1"));
        await silo.DropAsync(Package("qa-app", extra: "Depends: qa-lib (>= 2)\n"));
        var devel = silo.Qa("extras-devel");
        var early = await devel.RequestPromotionAsync(new PromotionRequest("qa-app", "1.0-1", null));
        Assert.True((await silo.RequestAsync(new PromotionRequest("qa-lib", "2.0-1", null))).Ok);
        Assert.True((await silo.RequestAsync(new PromotionRequest("qa-app", "1.0-1", null))).Ok);
        var again = await devel.RequestPromotionAsync(new PromotionRequest("qa-lib", "2.0-1", null));
        Assert.True((await silo.Qa("extras-testing").VoteAsync(new QaVote("qa-app", "1.0-1", "eve", -1, "drains the battery", true))).Ok);

        // Act
        var testing = silo.Console("repo", "excuses", Testing, "--json");
        var devel2 = silo.Console("repo", "excuses", Devel, "qa-lib", "--json");
        var human = silo.Console("repo", "excuses", "extras-testing", "qa-app");

        // Assert
        Assert.False(early.Ok);
        Assert.Equal(["installable"], early.Reasons.Select(r => r.Kind));
        Assert.False(again.Ok);
        Assert.True(testing.ExitCode == 0, testing.Stderr);
        var packages = JsonDocument.Parse(testing.Stdout).RootElement.GetProperty("packages").EnumerateArray()
            .ToDictionary(p => p.GetProperty("source").GetString()!, p => p.GetProperty("reasons").EnumerateArray()
                .Select(r => (r.GetProperty("kind").GetString(), r.GetProperty("text").GetString())).ToList());
        Assert.Equal(("quarantine", "10 days left in quarantine (0 of 10 days in extras-testing/bookworm)"), packages["qa-lib"][0]);
        Assert.Equal(("karma", "karma 0 of 2"), packages["qa-lib"][1]);
        Assert.Equal(["quarantine", "karma", "blocker", "installable"], packages["qa-app"].Select(r => r.Item1));
        Assert.Equal("blocked by a −1 from eve: drains the battery", packages["qa-app"][2].Item2);
        Assert.Equal($"not installable: qa-app ({SiloProcess.HostArchitecture}) needs qa-lib (>= 2), which extras/bookworm and its base lack", packages["qa-app"][3].Item2);
        Assert.True(devel2.ExitCode == 0, devel2.Stderr);
        var request = JsonDocument.Parse(devel2.Stdout).RootElement.GetProperty("packages").EnumerateArray().Single();
        Assert.Equal("not-backwards", request.GetProperty("reasons")[0].GetProperty("kind").GetString());
        Assert.Equal("qa-lib 2.0-1 is already in extras-testing/bookworm", request.GetProperty("reasons")[0].GetProperty("text").GetString());
        Assert.True(human.ExitCode == 0, human.Stderr);
        Assert.Contains("vote -1 blocker eve", human.Stdout);
        Assert.Contains("installable: not installable: qa-app", human.Stdout);
    }

    private static QaExcuse Excuse(QaExcuses excuses) => Assert.Single(excuses.Packages);
}
