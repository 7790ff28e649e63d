using System.Globalization;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// The limits one build attempt runs under, the same for every executor: the runner enforces the
/// timeout and the log limit itself, and the executor enforces them again (a runner that hangs or
/// is replaced cannot escape them): at <see cref="Deadline"/> it kills the build's whole session,
/// and its live log stops at <see cref="LiveLogMaxBytes"/>.
/// </summary>
public sealed record ExecutionLimits(TimeSpan Timeout, TimeSpan Deadline, long LogLimitBytes, long LiveLogMaxBytes, int MaxLineChars, TimeSpan KillGrace)
{
    // Room in the live log past the runner's own limit for the runner's last lines (why it
    // stopped, the outcome) and ours: the runner's limiter, not this safety net, should decide.
    private const long LiveLogSlack = 64 * 1024;

    public static ExecutionLimits For(BuildRequest build, BuildLimitsOptions? options)
    {
        options ??= new BuildLimitsOptions();
        var timeout = build.Timeout is { } own && own > TimeSpan.Zero ? own : options.TimeoutFor(build.Product);
        var log = options.LogLimitBytes > 0 ? options.LogLimitBytes : new BuildLimitsOptions().LogLimitBytes;
        return new ExecutionLimits(timeout, timeout + TimeSpan.FromSeconds(Math.Max(0, options.ExecutorGraceSeconds)), log, log + LiveLogSlack,
            Math.Max(80, options.MaxLineChars), TimeSpan.FromSeconds(Math.Max(0, options.KillGraceSeconds)));
    }

    /// <summary>The runner's own limit options, whole seconds and bytes.</summary>
    public IReadOnlyList<string> RunnerArguments() =>
    [
        "--timeout", Math.Max(1, (long)Math.Ceiling(Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
        "--log-limit", LogLimitBytes.ToString(CultureInfo.InvariantCulture),
    ];

    public LiveLog OpenLiveLog(string path, Action<string>? listener) => new(path, listener, LiveLogMaxBytes, LogLimitBytes);
}
