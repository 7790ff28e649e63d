namespace Autobuilder.Grains;

/// <summary>
/// Everything the console's <c>uploads show</c> prints about one upload. <see cref="Uploader"/> is
/// what the upload's own text claims (Changed-By of its .changes, else the .dsc's Maintainer):
/// unverified; <see cref="Identity"/> is who it is from as verified (account, signer).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadDetails(
    [property: Id(0)] UploadSummary Summary,
    [property: Id(1)] IReadOnlyList<UploadTransition> History,
    [property: Id(2)] IReadOnlyList<BuildProgress> Builds,
    [property: Id(3)] IReadOnlyList<string> Problems,
    [property: Id(4)] string? Uploader,
    [property: Id(5)] string? Folder,
    [property: Id(6)] UploadOrigin? Origin = null,
    [property: Id(7)] UploadIdentity? Identity = null,
    [property: Id(8)] IReadOnlyList<UploadRejection>? Rejections = null,
    [property: Id(9)] string? ChangesFileName = null,
    [property: Id(10)] UploadLatency? Latency = null,
    [property: Id(11)] IReadOnlyList<OfferAnswer>? Publications = null,
    [property: Id(30)] IReadOnlyList<UploadMail>? Mails = null);
