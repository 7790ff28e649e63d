namespace Autobuilder.Grains.Stage;

/// <summary>
/// Whether a .changes may enter a distribution: the repository takes uploads from the builder,
/// the queue folder is one of its products, the .changes is not for another product, it brings
/// something, and every binary (per architecture) and the source are newer than what the
/// distribution holds (dpkg ordering, epochs included).
/// </summary>
public static class IncomingRules
{
    /// <param name="repository">Null when no repository of the queue folder's name is configured.</param>
    /// <param name="knownProducts">Every product of every repository: a .changes naming one of them must name this one.</param>
    public static IReadOnlyList<string> Check(ChangesInspection changes, string repositoryName, RepositoryConfig? repository, string product,
        IReadOnlyCollection<string> knownProducts, PackageSet set)
    {
        var problems = new List<string>(changes.Problems);
        if (repository is null)
        {
            problems.Add($"there is no repository '{repositoryName}' (repo-incoming/{repositoryName}/ is not a configured queue)");
            return problems;
        }
        var where = $"{repository.Name}/{product}";
        if (!repository.AcceptsUploads)
            problems.Add($"{repository.Name} does not take packages from the builder; packages reach it by promotion (autobuilder repo promote)");
        if (!repository.HasProduct(product))
            problems.Add($"'{product}' is not a product of {repository.Name} (its products: {string.Join(", ", repository.Products)})");
        if (changes.Distribution is { Length: > 0 } dist && dist != product && knownProducts.Contains(dist))
            problems.Add($"the .changes is for {dist} (its Distribution field) but was queued for {product}");
        if (problems.Count > 0)
            return problems;

        if (changes.Binaries.Count == 0 && changes.SourcePackage is null)
            problems.Add($"{changes.ChangesFile} names no .deb and no .dsc: nothing to publish");

        var seen = new HashSet<(string, string)>();
        foreach (var b in changes.Binaries)
        {
            if (!seen.Add((b.Package, b.Architecture)))
                problems.Add($"{b.File.Name}: {b.Package} for {b.Architecture} comes twice in this upload");
            if (b.Architecture != "all" && !repository.Architectures.Contains(b.Architecture, StringComparer.Ordinal))
                problems.Add($"{b.File.Name}: architecture {b.Architecture} is not one of {repository.Name}'s ({string.Join(", ", repository.Architectures)})");
            var newest = Newest(set.Binary(b.Package, b.Architecture).Select(r => r.Version));
            if (newest is not null && Refusal(newest, b.Version, $"{b.Package} {b.Version} ({b.Architecture})", where) is { } refusal)
                problems.Add(refusal);
        }
        if (changes.SourcePackage is { } source)
        {
            var newest = Newest(set.OfSource(source.Dsc.Source).Where(r => r.IsSource).Select(r => r.Version));
            if (newest is not null && Refusal(newest, source.Dsc.Version, $"source {source.Dsc.Source} {source.Dsc.Version}", where) is { } refusal)
                problems.Add(refusal);
        }
        return problems;
    }

    /// <summary>Why <paramref name="candidate"/> may not join a distribution holding <paramref name="newest"/>, or null.</summary>
    public static string? Refusal(string newest, string candidate, string what, string where)
    {
        var order = VersionStringComparer.Instance.Compare(candidate, newest);
        return order switch
        {
            0 => $"{what} is already in {where}",
            < 0 => $"{what} is not newer than {newest}, which {where} holds",
            _ => null,
        };
    }

    private static string? Newest(IEnumerable<string> versions) => versions.OrderByDescending(v => v, VersionStringComparer.Instance).FirstOrDefault();
}
