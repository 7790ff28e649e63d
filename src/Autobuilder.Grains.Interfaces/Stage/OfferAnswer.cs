namespace Autobuilder.Grains;

/// <summary>
/// A distribution's answer to an <see cref="UploadOffer"/>: published (in which generation, live
/// since when) or rejected (every reason, and where the files were kept for an operator).
/// </summary>
/// <param name="Distribution">"repository/product", e.g. extras-devel/bookworm.</param>
/// <param name="AcceptedAt">When the distribution took the upload into its package set (journal written).</param>
/// <param name="LiveAt">When the generation holding the upload went live (apt-visible on the stage host).</param>
/// <param name="RejectedFolder">Where the stage moved the offered files with REJECTED.txt (on the stage host).</param>
[GenerateSerializer, Immutable]
public sealed record OfferAnswer(
    [property: Id(0)] string Distribution,
    [property: Id(1)] bool Published,
    [property: Id(2)] long? Generation,
    [property: Id(3)] DateTimeOffset? LiveAt,
    [property: Id(4)] IReadOnlyList<string> Reasons,
    [property: Id(5)] string? RejectedFolder = null,
    [property: Id(6)] DateTimeOffset? AcceptedAt = null)
{
    public static OfferAnswer Rejected(string distribution, IReadOnlyList<string> reasons, string? folder = null) =>
        new(distribution, false, null, null, reasons, folder);
}
