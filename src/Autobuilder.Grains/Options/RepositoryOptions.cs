namespace Autobuilder.Grains.Options;

/// <summary>One repository of "Autobuilder:Stage:Repositories". Unset values take the defaults the seed used.</summary>
public sealed class RepositoryOptions
{
    public string Name { get; set; } = "";

    /// <summary>Its distributions; empty means every product of the autobuilder.</summary>
    public List<string> Products { get; set; } = [];

    /// <summary>Empty means "main". A .changes section "comp/section" picks a component named here; anything else goes to the first.</summary>
    public List<string> Components { get; set; } = [];

    /// <summary>Architectures its indices cover; empty means the autobuilder's build architectures.</summary>
    public List<string> Architectures { get; set; } = [];

    /// <summary>Whether the builder's packages may enter it directly (repo-incoming); default: only extras-devel and community-testing.</summary>
    public bool? AcceptsUploads { get; set; }

    /// <summary>Versions of each binary package kept per distribution; default 3 where uploads enter, 1 elsewhere.</summary>
    public int? KeepVersions { get; set; }

    public string? Origin { get; set; }
    public string? Label { get; set; }
    public string? Description { get; set; }

    /// <summary>The tree apt clients read; empty means &lt;Stage:Root&gt;/live/&lt;name&gt;.</summary>
    public string? LivePath { get; set; }

    /// <summary>A live tree on another host, synced from the local one with rsync over SSH; null: the local live tree is the only one.</summary>
    public RemoteLiveOptions? LiveRemote { get; set; }

    /// <summary>GNUPGHOME holding the signing key; empty means Stage:GnupgHome.</summary>
    public string? GnupgHome { get; set; }

    /// <summary>Fingerprint (or user id) of the signing key; empty means a key made for this repository on first use.</summary>
    public string? SigningKey { get; set; }

    public string? PassphraseFile { get; set; }

    /// <summary>
    /// Compressed variants of Packages and Sources to publish: "gz", "xz"; empty means both. Each
    /// is kept as independently compressed blocks, so a change recompresses only its block; xz
    /// costs ~15 ms per changed block where gzip costs ~1 ms.
    /// </summary>
    public List<string> IndexCompressions { get; set; } = [];

    /// <summary>
    /// Also publish the uncompressed Packages and Sources. Default no: Release lists their size and
    /// sums either way (apt checks the decompressed data against them), as in Debian's archive, and
    /// a 50,000-package Packages is ~37 MB to write again on every publish.
    /// </summary>
    public bool? ServeUncompressedIndices { get; set; }

    /// <summary>Rule-based promotion: copy packages from here to this repository once they have been here <see cref="PromoteAfterDays"/> days.</summary>
    public string? PromoteTo { get; set; }

    public double? PromoteAfterDays { get; set; }
}
