namespace Autobuilder.Grains.Options;

/// <summary>The "Autobuilder:Stage" section: where repositories live and how they are published.</summary>
public sealed class StageOptions
{
    /// <summary>Staging trees, package journals and (by default) live trees live under here; empty means &lt;DataRoot&gt;/repos.</summary>
    public string Root { get; set; } = "";

    /// <summary>The repositories; empty means the seed's five (see <c>StageConfiguration.DefaultRepositories</c>).</summary>
    public List<RepositoryOptions> Repositories { get; set; } = [];

    /// <summary>Published generations kept in staging and live, so that rollback has something to go back to.</summary>
    public int KeepGenerations { get; set; } = 10;

    /// <summary>
    /// How long the indices of a superseded generation stay reachable by hash after it stopped
    /// being live: a client that read the old InRelease just before the swap fetches its indices
    /// by hash within this time without a hash mismatch.
    /// </summary>
    public double ByHashMinutes { get; set; } = 60;

    /// <summary>Pool files no distribution references are removed by clean-up only after this long.</summary>
    public double UnreferencedPoolGraceHours { get; set; } = 24;

    /// <summary>Where a GNUPGHOME for generated archive keys lives; empty means &lt;DataRoot&gt;/gnupg.</summary>
    public string GnupgHome { get; set; } = "";

    /// <summary>How often rule-based promotions are checked (an Orleans reminder; at least one minute).</summary>
    public double PromotionCheckMinutes { get; set; } = 60;
}
