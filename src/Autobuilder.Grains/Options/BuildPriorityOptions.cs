using System.Text.RegularExpressions;

namespace Autobuilder.Grains.Options;

/// <summary>
/// The base priority of builds ("Autobuilder:Priorities"): a higher number is built first, builds
/// of equal priority oldest first. An operator moves one upload with <c>uploads rescore</c>.
/// </summary>
public sealed partial class BuildPriorityOptions
{
    /// <summary>The lowest and highest priority a configuration or a rescore may give.</summary>
    public const int Min = -1000, Max = 1000;

    /// <summary>The priority of builds no entry of <see cref="Base"/> names.</summary>
    public int Default { get; set; }

    /// <summary>
    /// Per distribution ("repository/product", e.g. <c>"extras-devel/bookworm": 10</c>), per
    /// product (<c>"bookworm": 5</c>) or per repository (<c>"extras-devel": -5</c>); the most
    /// specific entry wins.
    /// </summary>
    public Dictionary<string, int> Base { get; set; } = [];

    /// <summary>The base priority of an upload for <paramref name="product"/> whose builds go to <paramref name="repository"/>.</summary>
    public int For(string repository, string product) =>
        Base.TryGetValue($"{repository}/{product}", out var own) ? own
        : Base.TryGetValue(product, out var ofProduct) ? ofProduct
        : Base.TryGetValue(repository, out var ofRepository) ? ofRepository
        : Default;

    /// <summary>What is wrong with these priorities for an autobuilder configured as <paramref name="options"/>, or null.</summary>
    public string? Problem(AutobuilderOptions options)
    {
        if (Default is < Min or > Max)
            return $"Autobuilder:Priorities:Default is {Default}; a priority must lie between {Min} and {Max}";
        var repositories = new HashSet<string>(options.Stage.Repositories.Count > 0
            ? options.Stage.Repositories.Select(r => r.Name)
            : Stage.StageConfiguration.DefaultRepositories, StringComparer.Ordinal) { options.Repository };
        foreach (var (key, value) in Base)
        {
            var where = $"Autobuilder:Priorities:Base:{key}";
            if (value is < Min or > Max)
                return $"{where} is {value}; a priority must lie between {Min} and {Max}";
            var parts = key.Split('/');
            if (parts.Length > 2 || parts.Any(p => !PlainName().IsMatch(p)))
                return $"{where}: expected \"repository/product\", \"product\" or \"repository\" (plain names), found '{key}'";
            if (parts.Length == 2 && !repositories.Contains(parts[0]))
                return $"{where}: no repository '{parts[0]}' (repositories: {string.Join(", ", repositories.Order(StringComparer.Ordinal))})";
            var product = parts[^1];
            if (parts.Length == 2 && !options.Products.Contains(product, StringComparer.Ordinal))
                return $"{where}: no product '{product}' (products: {string.Join(", ", options.Products)})";
            if (parts.Length == 1 && !options.Products.Contains(product, StringComparer.Ordinal) && !repositories.Contains(product))
                return $"{where}: '{product}' is neither a product ({string.Join(", ", options.Products)}) nor a repository ({string.Join(", ", repositories.Order(StringComparer.Ordinal))})";
        }
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.+-]*$")]
    private static partial Regex PlainName();
}
