using Autobuilder.Debian.Safety;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage.LiveTree;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// The repositories of this installation, resolved once from the options: the seed's five by
/// default (extras-devel → extras-testing → extras, community-testing → community), each with its
/// products, components, architectures, signing key, queue policy and live tree.
/// </summary>
public sealed class StageConfiguration
{
    /// <summary>The seed's repositories (ARCHITECTURE.md §1), in promotion order.</summary>
    public static IReadOnlyList<string> DefaultRepositories { get; } = ["extras-devel", "extras-testing", "extras", "community-testing", "community"];

    // Where the builder's packages may enter directly; the others are filled by promotion only.
    private static readonly string[] DefaultUploadTargets = ["extras-devel", "community-testing"];

    private readonly Dictionary<string, RepositoryConfig> _byName;

    public StageConfiguration(AutobuilderOptions options)
    {
        var stage = options.Stage;
        var dataRoot = Path.GetFullPath(options.DataRoot);
        Root = Path.GetFullPath(stage.Root is { Length: > 0 } r ? r : Path.Combine(dataRoot, "repos"));
        var gnupg = Path.GetFullPath(stage.GnupgHome is { Length: > 0 } g ? g : Path.Combine(dataRoot, "gnupg"));
        var configured = stage.Repositories.Count > 0
            ? stage.Repositories
            : DefaultRepositories.Select(n => new RepositoryOptions { Name = n }).ToList();

        var list = new List<RepositoryConfig>();
        foreach (var o in configured)
        {
            FileNames.Require(o.Name, "repository name");
            if (list.Any(x => x.Name == o.Name))
                throw new ArgumentException($"repository '{o.Name}' is configured twice");
            var accepts = o.AcceptsUploads ?? DefaultUploadTargets.Contains(o.Name);
            var products = o.Products.Count > 0 ? o.Products : options.Products;
            foreach (var p in products)
                FileNames.Require(p, $"product of repository {o.Name}");
            var components = o.Components.Count > 0 ? o.Components : ["main"];
            foreach (var c in components)
                FileNames.Require(c, $"component of repository {o.Name}");
            list.Add(new RepositoryConfig(
                o.Name,
                [.. products],
                [.. components],
                [.. (o.Architectures.Count > 0 ? o.Architectures : options.Architectures)],
                accepts,
                Math.Max(1, o.KeepVersions ?? (accepts ? 3 : 1)),
                o.Origin ?? "Autobuilder",
                o.Label ?? o.Name,
                o.Description ?? $"Autobuilder repository {o.Name}",
                Path.Combine(Root, "staging", o.Name),
                Path.GetFullPath(o.LivePath is { Length: > 0 } live ? live : Path.Combine(Root, "live", o.Name)),
                Path.GetFullPath(o.GnupgHome is { Length: > 0 } h ? h : gnupg),
                o.SigningKey is { Length: > 0 } key ? key : null,
                o.PassphraseFile is { Length: > 0 } pass ? Path.GetFullPath(pass) : null,
                o.PromoteTo is { Length: > 0 } to ? to : null,
                o.PromoteAfterDays)
            {
                IndexCompressions = Compressions(o),
                ServeUncompressedIndices = o.ServeUncompressedIndices ?? false,
                LiveRemote = o.LiveRemote is { } remote ? RemoteLiveConfig.From(remote, o.Name) : null,
            });
            if (o.LiveRemote is not null && products.FirstOrDefault(p => p.IndexOfAny(['*', '?', '[', ']', ' ']) >= 0) is { } odd)
                throw new ArgumentException($"repository {o.Name}: product '{odd}' cannot be synced to LiveRemote (rsync reads wildcards and spaces in remote paths)");
        }
        foreach (var repo in list.Where(r => r.PromoteTo is not null))
        {
            if (!list.Any(r => r.Name == repo.PromoteTo))
                throw new ArgumentException($"repository {repo.Name} promotes to '{repo.PromoteTo}', which is not configured");
        }
        Repositories = list;
        _byName = list.ToDictionary(r => r.Name, StringComparer.Ordinal);
        KeepGenerations = Math.Max(2, stage.KeepGenerations);
        ByHashWindow = TimeSpan.FromMinutes(Math.Max(0, stage.ByHashMinutes));
        PoolGrace = TimeSpan.FromHours(Math.Max(0, stage.UnreferencedPoolGraceHours));
        PromotionCheck = TimeSpan.FromMinutes(Math.Max(1, stage.PromotionCheckMinutes));
    }

    public string Root { get; }
    public IReadOnlyList<RepositoryConfig> Repositories { get; }
    public int KeepGenerations { get; }
    public TimeSpan ByHashWindow { get; }
    public TimeSpan PoolGrace { get; }
    public TimeSpan PromotionCheck { get; }

    /// <summary>Package journals and other stage bookkeeping (never served to clients).</summary>
    public string Database => Path.Combine(Root, "db");

    public RepositoryConfig? Find(string name) => _byName.GetValueOrDefault(name);

    public RepositoryConfig Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"no repository '{name}' (configured: {string.Join(", ", _byName.Keys)})");

    private static List<string> Compressions(RepositoryOptions o)
    {
        if (o.IndexCompressions.Count == 0)
            return ["gz", "xz"];
        var known = new[] { "gz", "xz" };
        foreach (var c in o.IndexCompressions.Where(c => !known.Contains(c)))
            throw new ArgumentException($"repository {o.Name}: index compression '{c}' is not one of {string.Join(", ", known)}");
        return known.Where(o.IndexCompressions.Contains).ToList();
    }

    /// <summary>"repository/product", the key of a distribution grain.</summary>
    public static string DistributionKey(string repository, string product) => $"{repository}/{product}";

    public static (string Repository, string Product) SplitKey(string key)
    {
        var slash = key.IndexOf('/');
        return slash < 0 ? (key, "") : (key[..slash], key[(slash + 1)..]);
    }
}
