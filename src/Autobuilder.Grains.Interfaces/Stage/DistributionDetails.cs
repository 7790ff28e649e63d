namespace Autobuilder.Grains;

/// <summary>
/// What <c>repo show REPO/PRODUCT</c> prints: the status and every source version held; or, from
/// <see cref="IDistributionGrain.GetPageAsync"/>, one page of them and <paramref name="Next"/>, the
/// source the following page starts at (null: none follows).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DistributionDetails(
    [property: Id(0)] DistributionStatus Status,
    [property: Id(1)] IReadOnlyList<SourceSummary> Sources,
    [property: Id(2)] string? Next = null);
