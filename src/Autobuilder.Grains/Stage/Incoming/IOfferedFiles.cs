namespace Autobuilder.Grains.Stage.Incoming;

/// <summary>
/// Brings the files of an <see cref="UploadOffer"/> to the stage host: from the garage's folders on
/// one host, through <see cref="IHostFilesGrain"/> of the garage host in a cluster. They land in a
/// folder of their own per upload (below the distribution's repo-incoming folder, hidden from its
/// scan), so a repeated offer finds what an interrupted one fetched.
/// </summary>
public interface IOfferedFiles
{
    Task<OfferedFolder> FetchAsync(string repository, string product, UploadOffer offer, CancellationToken ct = default);

    /// <summary>Removes an offer's folder once the offer was answered (accepted files are in the pool, rejected ones moved aside).</summary>
    Task ClearAsync(string folder, CancellationToken ct = default);
}

/// <summary>Where an offer's files are on the stage host, the build .changes among them, and what could not be fetched.</summary>
public sealed record OfferedFolder(string Folder, IReadOnlyList<string> ChangesFiles, IReadOnlyList<string> Problems);
