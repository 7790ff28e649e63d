namespace Autobuilder.Grains.Options;

/// <summary>
/// Limits every build runs under ("Autobuilder:BuildLimits"). Each has a default: a build from a
/// hostile upload must not be able to run, print or hold a slot without end.
/// </summary>
public sealed class BuildLimitsOptions
{
    /// <summary>Wall-clock time one build attempt may take (default 4 h), unless its product has its own.</summary>
    public double TimeoutSeconds { get; set; } = 4 * 3600;

    /// <summary>Per product (distribution codename): its own wall-clock limit, e.g. <c>{ "bookworm": 7200 }</c>.</summary>
    public Dictionary<string, double> ProductTimeoutSeconds { get; set; } = [];

    /// <summary>
    /// How long the executor waits past the timeout before it kills the build itself: the runner
    /// stops a build at the timeout (TERM, then KILL 30 s later), and this covers that grace.
    /// </summary>
    public double ExecutorGraceSeconds { get; set; } = 60;

    /// <summary>Bytes of log one build may write (default 100 MiB); beyond, the build is stopped and fails.</summary>
    public long LogLimitBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Characters of one log line kept (default 64 Ki); the rest of a longer line is dropped with a marker.</summary>
    public int MaxLineChars { get; set; } = 64 * 1024;

    /// <summary>Seconds between the polite TERM and the KILL when the executor stops a build (cancel, limits).</summary>
    public double KillGraceSeconds { get; set; } = 10;

    /// <summary>The wall-clock limit for builds of <paramref name="product"/>.</summary>
    public TimeSpan TimeoutFor(string product) =>
        TimeSpan.FromSeconds(ProductTimeoutSeconds.TryGetValue(product, out var own) && own > 0 ? own : TimeoutSeconds);
}
