namespace Autobuilder.Grains;

/// <summary>
/// One build of an upload for one architecture, as queued. <see cref="Id"/> is
/// "&lt;upload id&gt;/&lt;architecture&gt;". <see cref="SourceFolder"/> is on the garage host.
/// <see cref="Timeout"/> is the wall-clock limit the garage set for the build's product; null
/// (a request queued before it existed) means the executor's silo's default.
/// <see cref="BuildSources"/>: the distributions ("repository/product") a chroot build gets as extra
/// apt sources besides its base tarball (the executor's silo knows where they are and their keys);
/// host mode builds only against what the builder host has installed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BuildRequest(
    [property: Id(0)] string Id,
    [property: Id(1)] string UploadId,
    [property: Id(2)] string Product,
    [property: Id(3)] string Source,
    [property: Id(4)] string Version,
    [property: Id(5)] string Architecture,
    [property: Id(6)] BuildType Type,
    [property: Id(7)] int Priority,
    [property: Id(8)] DateTimeOffset QueuedAt,
    [property: Id(9)] string DscFileName,
    [property: Id(10)] IReadOnlyList<string> Files,
    [property: Id(11)] string SourceFolder,
    [property: Id(12)] TimeSpan? Timeout = null,
    [property: Id(13)] IReadOnlyList<string>? BuildSources = null);
