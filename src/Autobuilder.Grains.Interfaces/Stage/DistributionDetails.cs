namespace Autobuilder.Grains;

/// <summary>What <c>repo show REPO/PRODUCT</c> prints: the status and every source version held.</summary>
[GenerateSerializer, Immutable]
public sealed record DistributionDetails(
    [property: Id(0)] DistributionStatus Status,
    [property: Id(1)] IReadOnlyList<SourceSummary> Sources);
