using System.Collections.Concurrent;
using Autobuilder.Grains;
using Autobuilder.Grains.Qa;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Qa;

/// <summary>
/// The silo's queue of lintian runs (issue 15): one run at a time (lintian takes a core and tens
/// of seconds), each sandboxed and time-limited by <see cref="ILintianRunner"/>, its answer handed
/// to the QA record that asked (<see cref="IQaGrain.LintianDoneAsync"/>). A version already
/// queued or running is not queued twice.
/// </summary>
public sealed partial class LintianChecks(ILintianRunner runner, IGrainFactory grains, ILogger<LintianChecks> logger) : ILintianChecks, IDisposable
{
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _one = new(1, 1);

    public bool Start(LintianJob job)
    {
        var key = $"{job.Distribution} {job.Source} {job.Version}";
        if (!_pending.TryAdd(key, 0))
            return false;
        _ = Task.Run(async () =>
        {
            try
            {
                await _one.WaitAsync();
                LintianReport report;
                try
                {
                    report = await runner.RunAsync(job.LivePath, job.PoolFiles);
                }
                catch (Exception ex)
                {
                    report = new LintianReport([], $"lintian failed: {ex.Message}");
                }
                finally
                {
                    _one.Release();
                }
                await grains.GetGrain<IQaGrain>(job.Distribution).LintianDoneAsync(job.Source, job.Version,
                    [.. report.Tags.Select(t => new QaLintianTag(t.Severity, t.Package, t.Tag, t.Detail))], report.Failure);
            }
            catch (Exception ex)
            {
                // The request stays "being checked" until a new request starts it again.
                LogAnswerLost(logger, job.Distribution, job.Source, job.Version, ex);
            }
            finally
            {
                _pending.TryRemove(key, out _);
            }
        }, CancellationToken.None);
        return true;
    }

    public void Dispose() => _one.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "{Distribution}: lintian's answer on {Source} {Version} could not be handed over; request the promotion again")]
    private static partial void LogAnswerLost(ILogger logger, string distribution, string source, string version, Exception ex);
}
