using Autobuilder.Debian.Safety;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;

namespace Autobuilder.Grains.Builds;

/// <summary>
/// Which distributions ("repository/product") the builds of an upload use besides the base system,
/// from <see cref="BuildSourcesOptions.Repositories"/>, checked once at start: every repository
/// named is configured and has the product, so a typo fails the silo's start, not every build.
/// </summary>
public sealed class BuildSourcePlan
{
    private readonly Dictionary<string, IReadOnlyList<string>> _byProduct = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">A key or repository that is not configured, with what is.</exception>
    public BuildSourcePlan(AutobuilderOptions options, StageConfiguration stage)
    {
        var configured = options.BuildSources.Repositories;
        foreach (var (key, repositories) in configured)
        {
            var (repository, product) = key.Contains('/') ? StageConfiguration.SplitKey(key) : (key, null);
            if (!FileNames.IsSafe(repository) || (product is not null && !FileNames.IsSafe(product)))
                throw new ArgumentException($"Autobuilder:BuildSources:Repositories key '{key}' is not REPOSITORY or REPOSITORY/PRODUCT");
            if (product is not null && !options.Products.Contains(product, StringComparer.Ordinal))
                throw new ArgumentException($"Autobuilder:BuildSources:Repositories: '{key}' names product '{product}', which this autobuilder does not build (it builds: {string.Join(", ", options.Products)})");
            foreach (var name in repositories)
                Require(stage, name, product, key);
        }
        foreach (var product in options.Products)
        {
            var list = configured.GetValueOrDefault($"{options.Repository}/{product}")
                ?? configured.GetValueOrDefault(options.Repository)
                ?? (stage.Find(options.Repository) is { AcceptsUploads: true } ? [options.Repository] : []);
            foreach (var name in list)
                Require(stage, name, product, options.Repository);
            _byProduct[product] = list.Distinct(StringComparer.Ordinal).Select(r => StageConfiguration.DistributionKey(r, product)).ToList();
        }
    }

    /// <summary>The distributions builds of <paramref name="product"/> use, e.g. ["extras-devel/bookworm"].</summary>
    public IReadOnlyList<string> For(string product) => _byProduct.GetValueOrDefault(product) ?? [];

    private static void Require(StageConfiguration stage, string repository, string? product, string key)
    {
        var config = stage.Find(repository)
            ?? throw new ArgumentException($"Autobuilder:BuildSources:Repositories:{key} names repository '{repository}', which is not configured (configured: {string.Join(", ", stage.Repositories.Select(r => r.Name))})");
        if (product is not null && !config.HasProduct(product))
            throw new ArgumentException($"Autobuilder:BuildSources:Repositories:{key}: repository '{repository}' has no product '{product}' (it has: {string.Join(", ", config.Products)})");
    }
}
