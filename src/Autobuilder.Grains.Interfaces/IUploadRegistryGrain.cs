using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The uploads of one product (key: product): gives out upload ids, remembers the newest accepted
/// version of each source, and lists uploads for the console. It never calls an upload and waits.
/// </summary>
public interface IUploadRegistryGrain : IGrainWithStringKey
{
    /// <summary>The upload id for an intake ticket; the same ticket always gets the same id.</summary>
    [SiloOnly]
    Task<string> RegisterAsync(string ticket, string source, string version);

    /// <summary>
    /// Accepts <paramref name="version"/> of <paramref name="source"/> if it is newer than every
    /// version accepted before; otherwise returns the reason it is not.
    /// </summary>
    [SiloOnly]
    Task<string?> AcceptVersionAsync(string source, string version, string uploadId);

    [SiloOnly]
    Task UpdateAsync(UploadSummary summary);

    /// <summary>
    /// The uploads of <paramref name="source"/> other than <paramref name="uploadId"/> that were
    /// accepted and are not finished: the ones a newer upload supersedes.
    /// </summary>
    [SiloOnly]
    Task<IReadOnlyList<string>> ActiveUploadsOfAsync(string source, string uploadId);

    /// <summary>The uploads the registry keeps in memory (those still moving and the newest settled), newest first.</summary>
    [Reader]
    Task<IReadOnlyList<UploadSummary>> ListAsync(int limit);

    /// <summary>A page of all this product's uploads ever taken, from the uploads' read model (the query's product is this one).</summary>
    [Reader]
    Task<UploadPage> QueryAsync(UploadQuery query);

    /// <summary>Asks every upload that is not finished to queue its waiting builds again.</summary>
    [SiloOnly]
    [OneWay]
    Task ResumeActiveAsync();
}
