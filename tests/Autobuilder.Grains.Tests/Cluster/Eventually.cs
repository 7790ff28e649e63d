using System.Diagnostics;

namespace Autobuilder.Grains.Tests.Cluster;

/// <summary>
/// Waits for a condition by polling, instead of sleeping for a guessed time. When time runs out
/// the failure names the phase, the id, what was expected and what was last seen, so a red test
/// says where the pipeline stopped.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    public static async Task<T> UntilAsync<T>(
        string phase,
        string id,
        string expected,
        Func<Task<T>> probe,
        Func<T, bool> done,
        Func<T, string> describe,
        TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
                return value;
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"phase '{phase}', id '{id}': expected {expected}; actual after {limit.TotalSeconds:0.#} s: {describe(value)}");
            }
            await Task.Delay(Interval);
        }
    }

    /// <summary>The same for a condition on local state (a test double's records).</summary>
    public static Task<T> UntilAsync<T>(
        string phase,
        string id,
        string expected,
        Func<T> probe,
        Func<T, bool> done,
        Func<T, string> describe,
        TimeSpan? timeout = null) =>
        UntilAsync(phase, id, expected, () => Task.FromResult(probe()), done, describe, timeout);
}
