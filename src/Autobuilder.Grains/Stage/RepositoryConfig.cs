using Autobuilder.Grains.Stage.LiveTree;

namespace Autobuilder.Grains.Stage;

/// <summary>One repository's effective configuration: the options with every default filled in.</summary>
public sealed record RepositoryConfig(
    string Name,
    IReadOnlyList<string> Products,
    IReadOnlyList<string> Components,
    IReadOnlyList<string> Architectures,
    bool AcceptsUploads,
    int KeepVersions,
    string Origin,
    string Label,
    string Description,
    string StagingPath,
    string LivePath,
    string GnupgHome,
    string? SigningKey,
    string? PassphraseFile,
    string? PromoteTo,
    double? PromoteAfterDays)
{
    /// <summary>The user id of the key made for this repository when none is configured.</summary>
    public string GeneratedKeyUserId => $"Autobuilder {Name} archive key <{Name}@autobuilder.invalid>";

    /// <summary>The exported public key, inside the live tree so clients fetch it from the same place.</summary>
    public string PublicKeyPath => Path.Combine(LivePath, "archive-keyring.gpg");

    public string DefaultComponent => Components[0];

    /// <summary>Compressed index variants published: "gz" and/or "xz".</summary>
    public IReadOnlyList<string> IndexCompressions { get; init; } = ["gz", "xz"];

    /// <summary>Whether the uncompressed Packages/Sources files are published too (their sums are in Release either way).</summary>
    public bool ServeUncompressedIndices { get; init; }

    /// <summary>The live tree on another host that rsync keeps up with the local one; null when there is none.</summary>
    public RemoteLiveConfig? LiveRemote { get; init; }

    public bool HasProduct(string product) => Products.Contains(product, StringComparer.Ordinal);
}
