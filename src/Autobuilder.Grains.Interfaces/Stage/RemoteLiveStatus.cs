namespace Autobuilder.Grains;

/// <summary>
/// How far a distribution's remote live tree (rsync over SSH) has followed the local one.
/// </summary>
/// <param name="Target">user@host:port:path of the remote tree.</param>
/// <param name="Generation">The generation the remote dists/&lt;product&gt; was last switched to by this stage; null before the first sync.</param>
/// <param name="Folder">Its generation folder on the remote side ("17", "17.1").</param>
/// <param name="SyncedAt">When the last sync succeeded.</param>
/// <param name="AttemptedAt">When the last sync was tried.</param>
/// <param name="LastError">Why the last sync failed, until one succeeds; the remote then still serves <paramref name="Generation"/>.</param>
[GenerateSerializer, Immutable]
public sealed record RemoteLiveStatus(
    [property: Id(0)] string Target,
    [property: Id(1)] long? Generation,
    [property: Id(2)] string? Folder,
    [property: Id(3)] DateTimeOffset? SyncedAt,
    [property: Id(4)] DateTimeOffset? AttemptedAt,
    [property: Id(5)] string? LastError);
