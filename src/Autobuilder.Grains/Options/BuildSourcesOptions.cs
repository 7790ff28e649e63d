namespace Autobuilder.Grains.Options;

/// <summary>
/// What builds install their build-dependencies from besides the base system
/// ("Autobuilder:BuildSources"): the autobuilder's own repositories, so that a package that
/// build-depends on another package of the same community builds once that one is published.
/// Chroot builds only: host mode builds against what the builder host has installed.
/// </summary>
public sealed class BuildSourcesOptions
{
    /// <summary>
    /// Per upload repository ("extras-devel") or repository and product ("extras-devel/bookworm", which
    /// wins): the repositories its builds use, each for the build's product. Default: a repository
    /// that accepts uploads builds against itself (extras-devel against extras-devel). An empty list
    /// means the base system only.
    /// </summary>
    public Dictionary<string, List<string>> Repositories { get; set; } = [];

    /// <summary>
    /// Where builders reach a repository's live tree over http(s), e.g.
    /// <c>{ "extras-devel": "http://stage.example.org/extras-devel" }</c> (a cluster: what the
    /// builder hosts can reach). Default: this silo's own live-tree server (<see cref="Serve"/>),
    /// which only a builder on the stage's host can use.
    /// </summary>
    public Dictionary<string, string> Urls { get; set; } = [];

    /// <summary>
    /// The public key file of a repository on the builder silo's host, when its live tree is not
    /// on that host (a cluster). Default: the live tree's archive-keyring.gpg.
    /// </summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>Serve this silo's live trees to chroot builds over HTTP (read only, GET/HEAD, nothing outside a live tree).</summary>
    public bool Serve { get; set; } = true;

    /// <summary>The address the live-tree server listens on; keep it on the loopback unless builders elsewhere need it.</summary>
    public string ServeAddress { get; set; } = "127.0.0.1";

    /// <summary>Its port; 0 picks a free one at start (the builders of this silo are told which).</summary>
    public int ServePort { get; set; }
}
