using Autobuilder.Grains;
using Autobuilder.Grains.Stage;

namespace Autobuilder.Silo.Stage.LiveTree;

/// <summary>
/// Where a repository's generations are served from (aptly's "published storage"): the publisher
/// writes a generation — indices, Release, signatures, by-hash — complete into a folder of this
/// host; a live tree makes it the one clients get, in the one order that never shows them a mix:
/// the pool files it names first, then its folder beside the one served, then
/// dists/&lt;product&gt; switched in one rename. A failure leaves the previous generation served, whole.
/// <list type="bullet">
/// <item><see cref="LocalLiveTree"/>: the repository's live folder on this host (what the web server
/// serves), made live by every publish, inside it;</item>
/// <item><see cref="RsyncLiveTree"/>: a remote live host (<see cref="RepositoryConfig.LiveRemote"/>),
/// brought to what the local tree serves after each publish, in the background.</item>
/// </list>
/// </summary>
public interface ILiveTree
{
    /// <summary>
    /// Makes <paramref name="request"/>'s generation the one served for its product; throws with a
    /// one-line reason when it cannot.
    /// </summary>
    Task<LiveTreeOutcome> MakeLiveAsync(LiveTreeRequest request, CancellationToken ct = default);
}

/// <param name="Generation">The generation's folder, complete on this host (it is read, never changed).</param>
/// <param name="PoolFiles">
/// The pool files that may not be live yet: those added since the last publish, or every file the
/// generation names when that is not known. A backend that compares whole pools (rsync) may ignore it.
/// </param>
public sealed record LiveTreeRequest(RepositoryConfig Repository, string Product, GenerationFolder Generation, IReadOnlyCollection<PoolFile> PoolFiles);

/// <param name="Folder">The name of the generation folder dists/&lt;product&gt; now points at ("17", "17.1" …).</param>
public sealed record LiveTreeOutcome(long Generation, string Folder, DateTimeOffset At);
