namespace Autobuilder.Grains;

/// <summary>
/// One mail the upload sent or tried to send: its kind (rejection, build ARCH, publication), the
/// addresses and subject, when it was first and last tried, how many tries, and the result
/// ("sent", "not sent: …" while it is retried, "given up: …", or "nobody to tell").
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadMail(
    [property: Id(0)] string Kind,
    [property: Id(1)] IReadOnlyList<string> To,
    [property: Id(2)] IReadOnlyList<string> Cc,
    [property: Id(3)] string Subject,
    [property: Id(4)] DateTimeOffset FirstTriedAt,
    [property: Id(5)] DateTimeOffset LastTriedAt,
    [property: Id(6)] int Attempts,
    [property: Id(7)] string Result);
