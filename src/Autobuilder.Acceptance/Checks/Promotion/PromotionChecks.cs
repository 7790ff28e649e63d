using System.Globalization;
using Autobuilder.Debian.Architectures;

namespace Autobuilder.Acceptance.Checks;

/// <summary>The target must not go backwards: it holds no version of the source as new or newer.</summary>
public sealed class NotBackwardsCheck : AcceptanceCheck<PromotionContext>
{
    public override string Name => "not-backwards";

    public override string Question => "Is the version newer than the one the target holds?";

    public override Task<CheckOutcome> CheckAsync(PromotionContext c) =>
        c.TargetVersion is { } held && VersionRule.Compare(c.Version, held) <= 0
            ? Reject(c.Source, "Version", $"newer than {held}", c.Version,
                VersionRule.Compare(c.Version, held) == 0 ? $"{c.Source} {c.Version} is already in {c.To}" : $"{c.To} would go backwards: it holds {c.Source} {held}, newer than {c.Version}")
            : Pass();
}

/// <summary>Every architecture-dependent binary is built for every architecture the source needs and both repositories cover.</summary>
public sealed class BinariesCompleteCheck : AcceptanceCheck<PromotionContext>
{
    public override string Name => "binaries-complete";

    public override string Question => "Is every binary built for every architecture the source needs?";

    public override Task<CheckOutcome> CheckAsync(PromotionContext c)
    {
        if (c.Binaries is not { } binaries)
            return Skip("the binaries were not looked at (checked again when the stage promotes)");
        if (binaries.Count == 0)
            return Reject(c.Source, "Binary", "at least one binary package", "none", $"{c.Source} {c.Version} has no binary packages in {c.From}; nothing to promote");
        var dependent = binaries.Where(b => b.Architecture != "all").Select(b => b.Package).Distinct(StringComparer.Ordinal).ToList();
        var missing = (from arch in c.NeededArchitectures
                       from name in dependent
                       where !binaries.Any(b => b.Package == name && b.Architecture == arch)
                       select $"{name} for {arch}").ToList();
        return missing.Count == 0 ? Pass()
            : Reject(c.Source, "Architecture", string.Join(", ", c.NeededArchitectures), string.Join(", ", binaries.Select(b => b.Architecture).Distinct()),
                $"{c.Source} {c.Version} is not built for every architecture: missing {string.Join(", ", missing)}");
    }

    /// <summary>The architectures a source needs among those both repositories cover: narrowed by its .dsc's Architecture field when known.</summary>
    public static IReadOnlyList<string> Needed(IReadOnlyList<string> covered, string? dscArchitecture)
    {
        if (dscArchitecture is not { Length: > 0 } field || covered.Count == 0)
            return covered;
        try
        {
            return [.. BuildArchitectures.Needed(field, covered).ArchitectureSpecific];
        }
        catch (Exception ex) when (ex is InvalidArchitectureException or ArgumentException)
        {
            // A field we cannot read asks for nothing narrower than the repositories cover.
            return covered;
        }
    }
}

/// <summary>An open blocker −1 of an earlier round in the target (configurable) holds a new version until it is voided.</summary>
public sealed class NoEarlierBlockerCheck : AcceptanceCheck<PromotionContext>
{
    public override string Name => "earlier-blocker";

    public override string Question => "Is there no open blocker −1 from an earlier round in the target?";

    public override Task<CheckOutcome> CheckAsync(PromotionContext c)
    {
        if (!c.Rules.PreviousRoundBlocks)
            return Skip($"earlier rounds' blockers do not hold packages on {c.Rules.Step}");
        return Result([.. c.EarlierBlockers.Select(v => Rejection(c.Source, "vote", "no open blocker", $"{v.Login} −1 on {v.Version}",
            $"an open blocker from an earlier round in {c.To}: −1 from {v.Login} on {v.Version}: {v.Comment} (it holds until voided: autobuilder repo void-vote)"))]);
    }
}

/// <summary>The version has been in the lower repository for the step's minimum days (quarantine).</summary>
public sealed class QuarantineCheck : AcceptanceCheck<PromotionContext>
{
    public override string Name => "quarantine";

    public override string Question => "Has the version served its days in quarantine?";

    public override Task<CheckOutcome> CheckAsync(PromotionContext c)
    {
        if (c.Rules.MinimumDays <= 0)
            return Pass();
        if (c.EnteredAt is not { } entered)
            return Skip($"when {c.Source} {c.Version} entered {c.From} is not known");
        var served = (c.Now - entered).TotalDays;
        if (served >= c.Rules.MinimumDays)
            return Pass();
        var left = (int)Math.Ceiling(c.Rules.MinimumDays - served);
        return Reject(c.Source, "days", c.Rules.MinimumDays.ToString("0.##", CultureInfo.InvariantCulture), served.ToString("0.##", CultureInfo.InvariantCulture),
            $"{left} day{(left == 1 ? "" : "s")} left in quarantine ({served.ToString("0.#", CultureInfo.InvariantCulture)} of {c.Rules.MinimumDays.ToString("0.##", CultureInfo.InvariantCulture)} days in {c.From})");
    }
}

/// <summary>The votes of the current round add up to the step's minimum karma.</summary>
public sealed class KarmaCheck : AcceptanceCheck<PromotionContext>
{
    public override string Name => "karma";

    public override string Question => "Is the version's karma at least the step's minimum?";

    public override Task<CheckOutcome> CheckAsync(PromotionContext c) =>
        c.Rules.MinimumKarma <= 0 || c.Karma >= c.Rules.MinimumKarma
            ? Pass()
            : Reject(c.Source, "karma", c.Rules.MinimumKarma.ToString(CultureInfo.InvariantCulture), c.Karma.ToString(CultureInfo.InvariantCulture),
                $"karma {c.Karma} of {c.Rules.MinimumKarma}");
}

/// <summary>No open −1 marked as blocker in the current round.</summary>
public sealed class BlockerVoteCheck : AcceptanceCheck<PromotionContext>
{
    public override string Name => "blocker";

    public override string Question => "Is there no open blocker −1?";

    public override Task<CheckOutcome> CheckAsync(PromotionContext c)
    {
        if (!c.Rules.BlockerVotesBlock)
            return Skip($"blocker votes do not hold packages on {c.Rules.Step}");
        return Result([.. c.Votes.Where(v => v.Blocker && v.Value < 0).Select(v => Rejection(c.Source, "vote", "no open blocker", $"{v.Login} −1",
            $"blocked by a −1 from {v.Login}: {v.Comment}"))]);
    }
}

/// <summary>Where the step wants it, the maintainer (or an operator) has confirmed the promotion.</summary>
public sealed class MaintainerConfirmedCheck : AcceptanceCheck<PromotionContext>
{
    public override string Name => "maintainer-confirmed";

    public override string Question => "Has the maintainer confirmed (where the step asks for it)?";

    public override Task<CheckOutcome> CheckAsync(PromotionContext c) =>
        !c.Rules.MaintainerConfirms || c.Confirmed
            ? Pass()
            : Reject(c.Source, "request", "a confirmation", "none",
                $"waits for its maintainer to confirm (autobuilder repo request-promotion {c.Source} {c.Version} --from {c.From})");
}

/// <summary>Every binary is installable from the target, the repositories its users also have, and the base (dose-debcheck).</summary>
public sealed class InstallableCheck : AcceptanceCheck<PromotionContext>
{
    public override string Name => "installable";

    public override string Question => "Is every binary installable from the target and its base (dose-debcheck)?";

    public override Task<CheckOutcome> CheckAsync(PromotionContext c)
    {
        if (c.InstallabilityUnknown is { } unknown)
            return Reject(c.Source, "Depends", $"installable from {c.InstallableAgainst}", "not judged", unknown);
        if (c.Uninstallable is not { } broken)
            return Skip(c.InstallabilitySkipped ?? "dose-debcheck did not run");
        return Result([.. broken.Select(b => Rejection($"{b.Package}_{b.Version}_{b.Architecture}", "Depends", $"installable from {c.InstallableAgainst}",
            string.Join("; ", b.Reasons),
            $"not installable: {b.Package} ({b.Architecture}) {string.Join("; ", b.Reasons)}, which {c.InstallableAgainst} lack{(c.InstallableAgainst.Contains(" and ", StringComparison.Ordinal) ? "" : "s")}"))]);
    }
}

/// <summary>Lintian emits none of the step's blocking tags on the version's .debs.</summary>
public sealed class LintianCheck : AcceptanceCheck<PromotionContext>
{
    public override string Name => "lintian";

    public override string Question => "Does lintian emit none of the step's blocking tags?";

    public override Task<CheckOutcome> CheckAsync(PromotionContext c)
    {
        if (c.Rules.LintianBlockingTags.Count == 0)
            return Skip($"no lintian tag blocks on {c.Rules.Step}");
        if (c.Lintian is not { } tags)
            return Skip(c.LintianSkipped ?? "lintian did not run");
        return Result([.. tags.Where(t => c.Rules.LintianBlockingTags.Contains(t.Tag))
            .Select(t => Rejection(t.Package, "lintian", "none of " + string.Join(", ", c.Rules.LintianBlockingTags), t.Tag,
                $"lintian tag {t.Tag} ({t.Severity}) on {t.Package}{(t.Detail.Length > 0 ? " " + t.Detail : "")} blocks {c.Rules.Step}"))]);
    }
}
