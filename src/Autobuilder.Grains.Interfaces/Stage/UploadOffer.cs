namespace Autobuilder.Grains;

/// <summary>
/// What an upload whose builds are done offers a distribution (issue 12, "the stage by message"):
/// its source and each build's results, as they lie on the garage host. The distribution fetches
/// them itself (on one host from the folders, in a cluster through <see cref="IHostFilesGrain"/>
/// of <paramref name="Host"/>), so nothing but names travels in the message.
/// </summary>
/// <param name="UploadId">The offering upload: a repeated offer of the same upload lands in the same place.</param>
/// <param name="Host">The garage host whose data root holds the folders (Cluster:HostName; "" on a one-host autobuilder).</param>
/// <param name="Source">The .dsc and the files it names, published with the binaries.</param>
/// <param name="Builds">Each successful build's results folder (its binary .changes and packages).</param>
[GenerateSerializer, Immutable]
public sealed record UploadOffer(
    [property: Id(0)] string UploadId,
    [property: Id(1)] string Host,
    [property: Id(2)] OfferedSource Source,
    [property: Id(3)] IReadOnlyList<OfferedBuild> Builds);

/// <summary>The source package of an offer: the upload's folder (absolute, on the garage host), its .dsc and every file the .dsc names.</summary>
[GenerateSerializer, Immutable]
public sealed record OfferedSource(
    [property: Id(0)] string Folder,
    [property: Id(1)] string DscFileName,
    [property: Id(2)] IReadOnlyList<string> Files);

/// <summary>
/// One build's results folder (absolute, on the garage host): the stage takes its .changes and the
/// packages it names (the garage checked them as the upload's when the build ended; the stage checks again).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OfferedBuild(
    [property: Id(0)] string Architecture,
    [property: Id(1)] string Folder);
