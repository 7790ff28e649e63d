using Autobuilder.Acceptance.Checks;

namespace Autobuilder.Acceptance.Tests;

/// <summary>Each check of the QA ladder's list (issue 15) on its own, with the reason a maintainer reads in the excuses.</summary>
public sealed class PromotionChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static readonly LadderRules Quarantine = new("extras-testing → extras: 10 days, karma 10, automatic checks", 10, 10, true, false, true, new HashSet<string>());

    private static PromotionContext Context(LadderRules? rules = null, string version = "1.0-2", string? target = null, IReadOnlyList<PromotionBinary>? binaries = null,
        IReadOnlyList<string>? needed = null, IReadOnlyList<Uninstallable>? broken = null, IReadOnlyList<LintianTag>? lintian = null, DateTimeOffset? entered = null,
        IReadOnlyList<VoteFact>? votes = null, IReadOnlyList<VoteFact>? earlier = null, bool confirmed = false) => new()
    {
        Source = "hello",
        Version = version,
        From = "extras-testing/bookworm",
        To = "extras/bookworm",
        Rules = rules ?? Quarantine,
        Now = Now,
        Binaries = binaries,
        NeededArchitectures = needed ?? [],
        TargetVersion = target,
        Uninstallable = broken,
        InstallableAgainst = "extras/bookworm and its base",
        Lintian = lintian,
        EnteredAt = entered,
        Votes = votes ?? [],
        EarlierBlockers = earlier ?? [],
        Confirmed = confirmed,
    };

    private static async Task<CheckRejection> RefusalOf(IAcceptanceCheck<PromotionContext> check, PromotionContext context) =>
        Assert.Single((await check.CheckAsync(context)).Rejections);

    [Fact]
    public async Task Should_say_the_target_would_go_backwards_When_it_holds_a_newer_version()
    {
        var r = await RefusalOf(new NotBackwardsCheck(), Context(target: "1.1-1"));

        Assert.Equal("extras/bookworm would go backwards: it holds hello 1.1-1, newer than 1.0-2", r.Reason);
    }

    [Fact]
    public async Task Should_name_each_missing_build_When_an_architecture_lacks_a_binary()
    {
        var r = await RefusalOf(new BinariesCompleteCheck(), Context(binaries: [new("hello", "amd64"), new("hello-data", "all")], needed: ["amd64", "armhf"]));

        Assert.Equal("hello 1.0-2 is not built for every architecture: missing hello for armhf", r.Reason);
    }

    [Fact]
    public async Task Should_count_the_days_left_When_quarantine_is_not_served()
    {
        var r = await RefusalOf(new QuarantineCheck(), Context(entered: Now.AddDays(-7)));

        Assert.Equal("3 days left in quarantine (7 of 10 days in extras-testing/bookworm)", r.Reason);
    }

    [Fact]
    public async Task Should_pass_When_the_last_day_of_quarantine_is_served()
    {
        var outcome = await new QuarantineCheck().CheckAsync(Context(entered: Now.AddDays(-10)));

        Assert.False(outcome.IsRefused);
    }

    [Fact]
    public async Task Should_give_karma_of_the_minimum_When_votes_fall_short()
    {
        var r = await RefusalOf(new KarmaCheck(), Context(votes: [.. Enumerable.Repeat(new VoteFact("bob", 1, "ok", false, "1.0-2"), 8), new("eve", -1, "slow", false, "1.0-2")]));

        Assert.Equal("karma 7 of 10", r.Reason);
    }

    [Fact]
    public async Task Should_name_the_voter_and_the_comment_When_a_blocker_holds_it()
    {
        var r = await RefusalOf(new BlockerVoteCheck(), Context(votes: [new("alice", -1, "crashes on start", true, "1.0-2"), new("bob", 1, "fine", false, "1.0-2")]));

        Assert.Equal("blocked by a −1 from alice: crashes on start", r.Reason);
    }

    [Fact]
    public async Task Should_name_the_earlier_round_When_an_open_blocker_remains_from_it()
    {
        var r = await RefusalOf(new NoEarlierBlockerCheck(), Context(earlier: [new("alice", -1, "eats the battery", true, "1.0-1")]));

        Assert.Equal("an open blocker from an earlier round in extras/bookworm: −1 from alice on 1.0-1: eats the battery (it holds until voided: autobuilder repo void-vote)", r.Reason);
    }

    [Fact]
    public async Task Should_say_how_to_confirm_When_the_step_waits_for_the_maintainer()
    {
        var r = await RefusalOf(new MaintainerConfirmedCheck(), Context(rules: Quarantine with { MaintainerConfirms = true }));

        Assert.Equal("waits for its maintainer to confirm (autobuilder repo request-promotion hello 1.0-2 --from extras-testing/bookworm)", r.Reason);
    }

    [Fact]
    public async Task Should_name_the_missing_dependency_When_dose_found_a_binary_not_installable()
    {
        var r = await RefusalOf(new InstallableCheck(), Context(broken: [new("hello", "1.0-2", "amd64", ["needs libfoo (>= 2)"])]));

        Assert.Equal("not installable: hello (amd64) needs libfoo (>= 2), which extras/bookworm and its base lack", r.Reason);
    }

    [Fact]
    public async Task Should_skip_installability_When_dose_did_not_run()
    {
        var outcome = await new InstallableCheck().CheckAsync(Context());

        Assert.Equal("dose-debcheck did not run", outcome.Skipped);
    }

    [Fact]
    public async Task Should_name_the_tag_When_lintian_emits_a_blocking_one()
    {
        var rules = Quarantine with { LintianBlockingTags = new HashSet<string> { "binary-from-other-architecture" } };

        var r = await RefusalOf(new LintianCheck(), Context(rules: rules, lintian:
            [new("E", "hello", "binary-from-other-architecture", "usr/bin/hello"), new("W", "hello", "description-too-long", "")]));

        Assert.Equal("lintian tag binary-from-other-architecture (E) on hello usr/bin/hello blocks extras-testing → extras: 10 days, karma 10, automatic checks", r.Reason);
    }

    [Fact]
    public async Task Should_list_every_reason_in_order_When_the_whole_list_runs()
    {
        var run = await AcceptanceLists.Promotion.RunAsync(Context(entered: Now.AddDays(-1), votes: [new("alice", -1, "crashes on start", true, "1.0-2")],
            broken: [new("hello", "1.0-2", "amd64", ["needs libfoo (>= 2)"])]));

        Assert.Equal(["quarantine", "karma", "blocker", "installable"], run.Rejections.Select(r => r.Check));
    }
}
