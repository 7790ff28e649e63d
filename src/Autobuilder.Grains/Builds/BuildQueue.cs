namespace Autobuilder.Grains.Builds;

/// <summary>
/// The waiting builds, one ordered set per architecture (highest priority first, then oldest), so
/// a free slot finds its next build by looking at the heads of its architectures' sets only.
/// Plain data structure, no Orleans: the scheduler grain owns one.
/// </summary>
public sealed class BuildQueue
{
    private readonly Dictionary<string, SortedSet<Key>> _byArchitecture = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (QueuedBuild Build, Key Key)> _byId = new(StringComparer.Ordinal);
    private long _sequence;

    private readonly record struct Key(int NegativePriority, long QueuedTicks, long Sequence, string BuildId) : IComparable<Key>
    {
        public int CompareTo(Key other)
        {
            var c = NegativePriority.CompareTo(other.NegativePriority);
            if (c != 0)
                return c;
            c = QueuedTicks.CompareTo(other.QueuedTicks);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }
    }

    public int Count => _byId.Count;

    public bool TryGet(string buildId, out QueuedBuild build)
    {
        var found = _byId.TryGetValue(buildId, out var entry);
        build = entry.Build;
        return found;
    }

    /// <summary>Adds a build, or replaces a queued one with the same id.</summary>
    public void Add(QueuedBuild build)
    {
        Remove(build.Build.Id);
        var key = new Key(-build.Build.Priority, build.Build.QueuedAt.UtcTicks, _sequence++, build.Build.Id);
        if (!_byArchitecture.TryGetValue(build.Build.Architecture, out var set))
            _byArchitecture[build.Build.Architecture] = set = [];
        set.Add(key);
        _byId[build.Build.Id] = (build, key);
    }

    public bool Remove(string buildId)
    {
        if (!_byId.Remove(buildId, out var entry))
            return false;
        _byArchitecture[entry.Build.Build.Architecture].Remove(entry.Key);
        return true;
    }

    public void RemoveUpload(string uploadId)
    {
        foreach (var id in _byId.Values.Where(e => e.Build.Build.UploadId == uploadId).Select(e => e.Build.Build.Id).ToList())
            Remove(id);
    }

    /// <summary>The queued builds of an upload take a new priority (and their new place); returns how many moved.</summary>
    public int RescoreUpload(string uploadId, int priority)
    {
        var builds = _byId.Values.Where(e => e.Build.Build.UploadId == uploadId && e.Build.Build.Priority != priority).Select(e => e.Build).ToList();
        foreach (var b in builds)
            Add(b with { Build = b.Build with { Priority = priority } });
        return builds.Count;
    }

    /// <summary>
    /// The best waiting build this slot may take. A build avoids slots that already failed it with
    /// infrastructure errors, unless <paramref name="mayUseAvoided"/> says no other slot could run it.
    /// </summary>
    public QueuedBuild? Best(string slot, IReadOnlyList<string> architectures, Func<QueuedBuild, bool> mayUseAvoided)
    {
        (QueuedBuild Build, Key Key)? best = null;
        foreach (var arch in architectures)
        {
            if (!_byArchitecture.TryGetValue(arch, out var set))
                continue;
            foreach (var key in set)
            {
                if (best is not null && key.CompareTo(best.Value.Key) >= 0)
                    break;
                var candidate = _byId[key.BuildId].Build;
                if (candidate.AvoidSlots.Contains(slot) && !mayUseAvoided(candidate))
                    continue;
                best = (candidate, key);
                break;
            }
        }
        return best?.Build;
    }

    public IEnumerable<QueuedBuild> InOrder() =>
        _byId.Values.OrderBy(e => e.Key).Select(e => e.Build);
}
