using Autobuilder.Debian.Versions;
using Autobuilder.Grains.Stage.Journal;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// A distribution's packages in memory, rebuilt from its journal when the grain activates: the
/// records by key, by source and by binary package and architecture, for the version rules,
/// promotions and clean-up. Changed only by applying a committed <see cref="JournalBatch"/>.
/// </summary>
public sealed class PackageSet
{
    private readonly Dictionary<string, PackageRecord> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PackageRecord>> _bySource = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Package, string Architecture), List<PackageRecord>> _byBinary = [];
    private readonly HashSet<string> _acceptedChanges = new(StringComparer.OrdinalIgnoreCase);

    public PackageSet(JournalContents contents)
    {
        Generation = contents.Generation;
        foreach (var r in contents.Records)
            Add(r);
        _acceptedChanges.UnionWith(contents.AcceptedChanges);
    }

    public long Generation { get; private set; }
    public int Count => _byKey.Count;
    public int SourceCount { get; private set; }
    public int BinaryCount => Count - SourceCount;
    public IReadOnlyCollection<PackageRecord> All => _byKey.Values;

    public bool Accepted(string? changesSha256) => changesSha256 is not null && _acceptedChanges.Contains(changesSha256);

    public PackageRecord? Find(string key) => _byKey.GetValueOrDefault(key);

    public void Apply(JournalBatch batch)
    {
        foreach (var key in batch.Removed)
            Remove(key);
        foreach (var r in batch.Added)
            Add(r);
        if (batch.ChangesSha256 is not null)
            _acceptedChanges.Add(batch.ChangesSha256);
        Generation = batch.Generation;
        _sortedSources = null;
    }

    /// <summary>Versions held of one binary package on one architecture.</summary>
    public IReadOnlyList<PackageRecord> Binary(string package, string architecture) =>
        _byBinary.TryGetValue((package, architecture), out var list) ? list : [];

    /// <summary>Every record of a source package, any version.</summary>
    public IReadOnlyList<PackageRecord> OfSource(string source) => _bySource.TryGetValue(source, out var list) ? list : [];

    public IReadOnlyList<PackageRecord> OfSource(string source, string version) =>
        OfSource(source).Where(r => r.SourceVersion == version).ToList();

    /// <summary>Versions of a source package held (from its binaries or its .dsc), newest first.</summary>
    public IReadOnlyList<string> SourceVersions(string source) =>
        OfSource(source).Select(r => r.SourceVersion).Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v, VersionStringComparer.Instance).ToList();

    public IEnumerable<string> PoolPaths() => _byKey.Values.SelectMany(r => r.Files).Select(f => f.Path);

    /// <summary>
    /// Keys of the records clean-up removes to keep the newest <paramref name="keep"/> versions of
    /// each binary package per architecture and of each source. Counting per binary and
    /// architecture (rather than per source version) never takes away an architecture's only
    /// build while a newer version waits for its build there.
    /// </summary>
    public IReadOnlyList<string> Surplus(int keep)
    {
        var surplus = new List<string>();
        foreach (var list in _byBinary.Values)
        {
            if (list.Count > keep)
                surplus.AddRange(list.OrderByDescending(r => r.Version, VersionStringComparer.Instance).Skip(keep).Select(r => r.Key));
        }
        foreach (var list in _bySource.Values)
        {
            var sources = list.Where(r => r.IsSource).ToList();
            if (sources.Count > keep)
                surplus.AddRange(sources.OrderByDescending(r => r.Version, VersionStringComparer.Instance).Skip(keep).Select(r => r.Key));
        }
        return surplus;
    }

    /// <summary>
    /// Keys clean-up would remove once <paramref name="added"/> joins the set: only the binaries and
    /// sources the new records share a name with are looked at, so the cost follows the change.
    /// </summary>
    public IReadOnlyList<string> SurplusWith(IReadOnlyList<PackageRecord> added, int keep)
    {
        var surplus = new List<string>();
        foreach (var group in added.Where(r => !r.IsSource).GroupBy(r => (r.Package, r.Architecture)))
        {
            var all = Binary(group.Key.Package, group.Key.Architecture).Where(r => !group.Any(a => a.Key == r.Key)).Concat(group);
            surplus.AddRange(all.OrderByDescending(r => r.Version, VersionStringComparer.Instance).Skip(keep).Select(r => r.Key));
        }
        foreach (var group in added.Where(r => r.IsSource).GroupBy(r => r.Package))
        {
            var all = OfSource(group.Key).Where(r => r.IsSource && !group.Any(a => a.Key == r.Key)).Concat(group);
            surplus.AddRange(all.OrderByDescending(r => r.Version, VersionStringComparer.Instance).Skip(keep).Select(r => r.Key));
        }
        var addedKeys = added.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        return surplus.Where(k => !addedKeys.Contains(k)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>One line per source version: its binaries and architectures, for the console.</summary>
    public IReadOnlyList<SourceSummary> Summaries() =>
        _bySource.Values.SelectMany(SummariesOf)
            .OrderBy(s => s.Source, StringComparer.Ordinal)
            .ThenByDescending(s => s.Version, VersionStringComparer.Instance)
            .ToList();

    // The source names in order, made again after a change (once per generation, when a page asks).
    private string[]? _sortedSources;

    /// <summary>
    /// As <see cref="Summaries()"/>, for at most <paramref name="limit"/> sources from the first whose
    /// name is <paramref name="from"/> or after it (ordinal): the pages' package list, whose cost follows
    /// the page, not the distribution. <paramref name="next"/>: where the following page starts, or null.
    /// </summary>
    public IReadOnlyList<SourceSummary> Summaries(string? from, int limit, out string? next)
    {
        var names = _sortedSources ??= _bySource.Keys.Order(StringComparer.Ordinal).ToArray();
        var start = from is null ? 0 : Array.BinarySearch(names, from, StringComparer.Ordinal);
        if (start < 0)
            start = ~start;
        var end = Math.Min(names.Length, start + Math.Max(1, limit));
        next = end < names.Length ? names[end] : null;
        return names[start..end].SelectMany(n => SummariesOf(_bySource[n]).OrderByDescending(s => s.Version, VersionStringComparer.Instance)).ToList();
    }

    /// <summary>As <see cref="Summaries()"/>, for the named sources only (unknown names left out).</summary>
    public IReadOnlyList<SourceSummary> Summaries(IEnumerable<string> sources) =>
        sources.Distinct(StringComparer.Ordinal).Where(_bySource.ContainsKey).SelectMany(n => SummariesOf(_bySource[n])).ToList();

    private static IEnumerable<SourceSummary> SummariesOf(List<PackageRecord> list) =>
        list.GroupBy(r => r.SourceVersion, StringComparer.Ordinal).Select(g =>
            {
                var binaries = g.Where(r => !r.IsSource).ToList();
                return new SourceSummary(
                    g.First().Source,
                    g.Key,
                    g.First().Component,
                    binaries.Select(b => b.Package).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                    binaries.Select(b => b.Architecture).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                    g.Any(r => r.IsSource),
                    g.Min(r => r.AddedAt));
            });

    private void Add(PackageRecord r)
    {
        Remove(r.Key);
        _byKey[r.Key] = r;
        Bucket(_bySource, r.Source).Add(r);
        if (r.IsSource)
            SourceCount++;
        else
            Bucket(_byBinary, (r.Package, r.Architecture)).Add(r);
    }

    private void Remove(string key)
    {
        if (!_byKey.Remove(key, out var r))
            return;
        Drop(_bySource, r.Source, r);
        if (r.IsSource)
            SourceCount--;
        else
            Drop(_byBinary, (r.Package, r.Architecture), r);
    }

    private static List<PackageRecord> Bucket<TKey>(Dictionary<TKey, List<PackageRecord>> map, TKey key) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
            map[key] = list = [];
        return list;
    }

    private static void Drop<TKey>(Dictionary<TKey, List<PackageRecord>> map, TKey key, PackageRecord r) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
            return;
        list.Remove(r);
        if (list.Count == 0)
            map.Remove(key);
    }
}
