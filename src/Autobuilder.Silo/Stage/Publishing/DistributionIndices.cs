using Autobuilder.Debian.Indices;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;

namespace Autobuilder.Silo.Stage.Publishing;

/// <summary>
/// The indices of one distribution as the publisher keeps them between publishes: one
/// <see cref="BlockIndex"/> per Packages (component × architecture) and Sources file, holding
/// the records' own stanza strings (nothing is copied). A publish applies the records that
/// changed since the generation these reflect, so its cost follows the change; anything else
/// (first publish, restart, forced sync, a failed publish) builds them from every record.
/// </summary>
internal sealed class DistributionIndices : IDisposable
{
    private readonly RepositoryConfig _repository;
    private readonly Dictionary<string, BlockIndex> _packages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BlockIndex> _sources = new(StringComparer.Ordinal);

    public DistributionIndices(RepositoryConfig repository)
    {
        _repository = repository;
        var options = new BlockIndexOptions
        {
            Gzip = repository.IndexCompressions.Contains("gz"),
            Xz = repository.IndexCompressions.Contains("xz"),
        };
        foreach (var component in repository.Components)
        {
            foreach (var arch in repository.Architectures)
                _packages[$"{component}/binary-{arch}/Packages"] = new BlockIndex($"{component}/binary-{arch}/Packages", options);
            _sources[component] = new BlockIndex($"{component}/source/Sources", options);
        }
    }

    /// <summary>The generation these indices reflect; null while unknown (never built, or a publish failed half-way).</summary>
    public long? Generation { get; set; }

    /// <summary>True when these were made for the same configuration (a changed configuration makes new ones).</summary>
    public bool Fits(RepositoryConfig repository) => ReferenceEquals(repository, _repository) || repository == _repository;

    public void Load(IEnumerable<PackageRecord> records)
    {
        var byIndex = new Dictionary<BlockIndex, List<IndexEntry>>();
        foreach (var index in _packages.Values.Concat(_sources.Values))
            byIndex[index] = [];
        foreach (var r in records)
        {
            var entry = Entry(r);
            foreach (var index in IndicesOf(r))
                byIndex[index].Add(entry);
        }
        foreach (var (index, entries) in byIndex)
            index.Load(entries);
    }

    public void Apply(IReadOnlyDictionary<string, PackageRecord?> changed)
    {
        foreach (var (key, record) in changed)
        {
            // The old record may have been in other indices than the new one (another component): take the key out everywhere.
            foreach (var index in _packages.Values.Concat(_sources.Values))
                index.Remove(key);
            if (record is null)
                continue;
            var entry = Entry(record);
            foreach (var index in IndicesOf(record))
                index.Add(entry);
        }
    }

    /// <summary>
    /// Every Packages and Sources index, empty ones too: uploads publish their sources (issue 12), so
    /// a deb-src line is always valid, and apt warns about none even when a removal emptied the suite.
    /// </summary>
    public IReadOnlyList<IndexImage> Build()
    {
        var indices = _packages.Values.Concat(_sources.Values).ToList();
        return indices.Select(i => i.Build()).ToList();
    }

    private IEnumerable<BlockIndex> IndicesOf(PackageRecord r)
    {
        if (r.IsSource)
        {
            if (_sources.TryGetValue(r.Component, out var sources))
                yield return sources;
            yield break;
        }
        // Architecture: all packages are listed for every architecture, as Debian's archive does.
        foreach (var arch in _repository.Architectures)
        {
            if ((r.Architecture == arch || r.Architecture == "all") && _packages.TryGetValue($"{r.Component}/binary-{arch}/Packages", out var index))
                yield return index;
        }
    }

    // Ordered by the time the record entered, so new packages go to the end of each file (see BlockIndex).
    private static IndexEntry Entry(PackageRecord r) => new(r.Key, r.AddedAt.UtcTicks, r.Stanza);

    public void Dispose()
    {
        foreach (var index in _packages.Values.Concat(_sources.Values))
            index.Dispose();
    }
}
