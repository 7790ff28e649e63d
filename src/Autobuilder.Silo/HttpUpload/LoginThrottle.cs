using System.Collections.Concurrent;

namespace Autobuilder.Silo.HttpUpload;

/// <summary>
/// Failed logins of the HTTP upload, per client address and login, over the last minute: past
/// <c>MaxFailedLogins</c> that pair is answered 429 without asking the directory until the oldest
/// failure is a minute old. Keyed by the pair, so one guesser neither locks an account out from
/// everywhere nor slows the other accounts behind the same proxy. Bounded in memory.
/// </summary>
public sealed class LoginThrottle(TimeProvider time, int maxFailures)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxTracked = 10_000;

    private readonly ConcurrentDictionary<(string Address, string Login), Queue<DateTimeOffset>> _failures = new();

    /// <summary>How long the pair must wait, or null when it may try.</summary>
    public TimeSpan? Blocked(string address, string login)
    {
        if (maxFailures <= 0 || !_failures.TryGetValue((address, login), out var failures))
            return null;
        var now = time.GetUtcNow();
        lock (failures)
        {
            while (failures.Count > 0 && now - failures.Peek() >= Window)
                failures.Dequeue();
            return failures.Count >= maxFailures ? failures.Peek() + Window - now : null;
        }
    }

    public void Failed(string address, string login)
    {
        if (maxFailures <= 0)
            return;
        if (_failures.Count >= MaxTracked)
            Prune();
        var failures = _failures.GetOrAdd((address, login), _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            failures.Enqueue(time.GetUtcNow());
            while (failures.Count > maxFailures)
                failures.Dequeue();
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (key, failures) in _failures)
        {
            bool stale;
            lock (failures)
                stale = failures.Count == 0 || now - failures.Last() >= Window;
            if (stale)
                _failures.TryRemove(key, out _);
        }
    }
}
