using System.Globalization;

namespace Autobuilder.Grains.Security;

/// <summary>
/// The certificates revoked by <c>autobuilder certs revoke</c>: one line each in
/// <c>revoked.txt</c> of the certificates folder ("serial name unix-seconds"). Read again whenever
/// the file changes (checked at most once a second), so a revocation takes effect on running silos.
/// </summary>
public sealed class RevocationList(string path)
{
    private readonly Lock _lock = new();
    private long _checkedAt;
    private volatile bool _checkedOnce;
    private DateTime _stamp = DateTime.MinValue;
    private volatile Snapshot _current = Snapshot.Empty;

    public string Path { get; } = path;

    public bool IsRevoked(string serial) => Current().Serials.Contains(serial);

    /// <summary>When <paramref name="name"/> was last revoked, or null (a dashboard token older than that is refused).</summary>
    public DateTimeOffset? RevokedAt(string name) => Current().Names.TryGetValue(name, out var at) ? at : null;

    public IReadOnlyDictionary<string, (string Name, DateTimeOffset At)> Entries => Current().Entries;

    private Snapshot Current()
    {
        // Every grain call asks: within the second, no lock (the access filter runs on every thread).
        var now = Environment.TickCount64;
        if (_checkedOnce && now - Interlocked.Read(ref _checkedAt) < 1000)
            return _current;
        lock (_lock)
        {
            if (_checkedOnce && now - _checkedAt < 1000)
                return _current;
            var stamp = File.Exists(Path) ? File.GetLastWriteTimeUtc(Path) : DateTime.MinValue;
            if (stamp != _stamp)
            {
                _current = stamp == DateTime.MinValue ? Snapshot.Empty : Snapshot.Read(Path);
                _stamp = stamp;
            }
            // Only now may readers skip the lock: they must not see the new time with the old list.
            Interlocked.Exchange(ref _checkedAt, now);
            _checkedOnce = true;
            return _current;
        }
    }

    /// <summary>Adds a line (certs revoke); the file is replaced by a rename so a reader never sees half of it.</summary>
    public static void Append(string path, string serial, string name, DateTimeOffset at)
    {
        var existing = File.Exists(path) ? File.ReadAllText(path) : "";
        var line = $"{serial} {name} {at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}\n";
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, existing + line);
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Snapshot(HashSet<string> Serials, Dictionary<string, DateTimeOffset> Names, Dictionary<string, (string, DateTimeOffset)> Entries)
    {
        public static readonly Snapshot Empty = new([], [], []);

        public static Snapshot Read(string path)
        {
            var snapshot = new Snapshot([], [], []);
            foreach (var line in File.ReadAllLines(path))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 3 || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var seconds))
                    continue;
                var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
                snapshot.Serials.Add(parts[0]);
                snapshot.Entries[parts[0]] = (parts[1], at);
                if (!snapshot.Names.TryGetValue(parts[1], out var before) || before < at)
                    snapshot.Names[parts[1]] = at;
            }
            return snapshot;
        }
    }
}
