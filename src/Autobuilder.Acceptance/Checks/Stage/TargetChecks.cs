namespace Autobuilder.Acceptance.Checks;

/// <summary>The queue folder (repo-incoming/&lt;repository&gt;/) is a configured repository's.</summary>
public sealed class RepositoryKnownCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "repository-known";

    public override string Question => "Is the queue folder a configured repository's?";

    public override CheckFlow Flow => CheckFlow.Gate;

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        if (c.Target is not { } t)
            return Skip(TargetChecks.Offline);
        return t.Configured ? Pass()
            : Reject(c.ChangesFileName, "repository", "a configured repository", t.Repository,
                $"there is no repository '{t.Repository}' (repo-incoming/{t.Repository}/ is not a configured queue)");
    }
}

/// <summary>The repository takes packages from the builder (AcceptsUploads); the others are filled by promotion.</summary>
public sealed class RepositoryTakesUploadsCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "repository-takes-uploads";

    public override string Question => "Does the repository take packages from the builder?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        if (c.Target is not { } t)
            return Skip(TargetChecks.Offline);
        return t.AcceptsUploads ? Pass()
            : Reject(c.ChangesFileName, "repository", "a repository that takes uploads", t.Repository,
                $"{t.Repository} does not take packages from the builder; packages reach it by promotion (autobuilder repo promote)");
    }
}

/// <summary>The queue folder's product (repo-incoming/&lt;repository&gt;/&lt;product&gt;/) is one of the repository's.</summary>
public sealed class ProductOfRepositoryCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "product-of-repository";

    public override string Question => "Is the queue folder's product one of the repository's?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        if (c.Target is not { } t)
            return Skip(TargetChecks.Offline);
        return t.Products.Contains(t.Product, StringComparer.Ordinal) ? Pass()
            : Reject(c.ChangesFileName, "product", string.Join(", ", t.Products), t.Product,
                $"'{t.Product}' is not a product of {t.Repository} (its products: {string.Join(", ", t.Products)})");
    }
}

/// <summary>A .changes whose Distribution names another known product was queued in the wrong folder.</summary>
public sealed class DistributionMatchesCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "distribution-matches";

    public override string Question => "Is the .changes' Distribution the product it was queued for?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        if (c.Target is not { } t)
            return Skip(TargetChecks.Offline);
        var dist = c.Changes?.Distribution ?? "";
        if (dist.Length == 0 || dist == t.Product || !t.KnownProducts.Contains(dist))
            return Pass();
        return Reject(c.ChangesFileName, "Distribution", t.Product, dist, $"the .changes is for {dist} (its Distribution field) but was queued for {t.Product}");
    }
}

/// <summary>Every binary's architecture is one the repository publishes ("all" always is).</summary>
public sealed class ArchitectureAllowedCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "architecture-allowed";

    public override string Question => "Is every binary for an architecture the repository publishes?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        if (c.Target is not { } t)
            return Skip(TargetChecks.Offline);
        return Result([.. c.Binaries
            .Where(b => b.Architecture != "all" && !t.Architectures.Contains(b.Architecture!, StringComparer.Ordinal))
            .Select(b => Rejection(b.File.Name, "Architecture", string.Join(", ", t.Architectures), b.Architecture,
                $"{b.File.Name}: architecture {b.Architecture} is not one of {t.Repository}'s ({string.Join(", ", t.Architectures)})"))]);
    }
}

/// <summary>
/// Every binary (per architecture) and the source are newer than what the distribution holds
/// (dpkg ordering, epochs included): a distribution never goes back, and a version is never published twice.
/// </summary>
public sealed class HeldVersionNewerCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "version-newer";

    public override string Question => "Is every binary and the source newer than what the distribution holds?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        if (c.Target is not { } t || c.Held is not { } held)
            return Skip("needs the distribution's package set (a running stage)");
        var rejections = new List<CheckRejection>();
        foreach (var b in c.Binaries)
        {
            if (held.NewestBinary(b.Package!, b.Architecture!) is { } newest
                && VersionRule.Refusal(newest, b.Version!, $"{b.Package} {b.Version} ({b.Architecture})", t.Where) is { } refusal)
                rejections.Add(Rejection(b.File.Name, "Version", $"newer than {newest}", b.Version, refusal));
        }
        foreach (var s in c.Sources.Where(s => s.Dsc is not null))
        {
            var dsc = s.Dsc!;
            if (held.NewestSource(dsc.Source) is { } newest
                && VersionRule.Refusal(newest, dsc.Version, $"source {dsc.Source} {dsc.Version}", t.Where) is { } refusal)
                rejections.Add(Rejection(s.File.Name, "Version", $"newer than {newest}", dsc.Version, refusal));
        }
        return Result(rejections);
    }
}

internal static class TargetChecks
{
    public const string Offline = "needs the stage's configuration of the repository (Autobuilder:Stage)";
}
