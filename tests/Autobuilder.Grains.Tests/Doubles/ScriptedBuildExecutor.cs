using System.Collections.Concurrent;
using Autobuilder.BuildRunner;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>
/// Test double for the build executor: builds nothing. Each attempt reports the outcome the test
/// scripted for (build id, attempt), success by default, and every result it makes says it is
/// fake, so a history or mail produced with it can never pass for a real build. It records each
/// attempt it was given, and which are running right now, so tests can see where and when the
/// scheduler sent builds.
/// </summary>
public sealed class ScriptedBuildExecutor : IBuildExecutorFactory, IBuildExecutor
{
    private readonly ConcurrentDictionary<(string BuildId, int Attempt), ScriptedStep> _steps = new();
    private readonly ConcurrentDictionary<(string BuildId, int Attempt), TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<(string BuildId, int Attempt), string> _running = new();
    private readonly ConcurrentQueue<ExecutorRun> _runs = new();

    /// <summary>Every slot gets this same double; the assignment says which slot runs the attempt.</summary>
    public IBuildExecutor Create(SlotConfig slot) => this;

    public void Script(string buildId, int attempt, ScriptedStep step) => _steps[(buildId, attempt)] = step;

    /// <summary>Lets a hanging attempt finish (also before it started: then it does not hang at all).</summary>
    public void Release(string buildId, int attempt) => Gate(buildId, attempt).TrySetResult();

    /// <summary>Lets every hanging attempt finish, started or scripted, so a failed test leaves no slot busy.</summary>
    public void ReleaseAll()
    {
        foreach (var key in _steps.Where(s => s.Value.Hang).Select(s => s.Key).Concat(_gates.Keys).ToList())
            Release(key.BuildId, key.Attempt);
    }

    /// <summary>Every attempt given to the executor so far, in the order they started.</summary>
    public IReadOnlyList<ExecutorRun> Runs => [.. _runs];

    public IReadOnlyList<ExecutorRun> RunsOf(string buildId) => [.. _runs.Where(r => r.BuildId == buildId)];

    public IReadOnlyList<ExecutorRun> RunsOfUpload(string uploadId) => [.. _runs.Where(r => r.BuildId.StartsWith(uploadId + "/", StringComparison.Ordinal))];

    /// <summary>Attempts inside the executor at this moment, as "build id#attempt@slot".</summary>
    public IReadOnlyList<string> RunningNow => [.. _running.Select(r => $"{r.Key.BuildId}#{r.Key.Attempt}@{r.Value}").Order(StringComparer.Ordinal)];

    public bool IsRunning(string buildId, int attempt) => _running.ContainsKey((buildId, attempt));

    public async Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
    {
        var key = (assignment.Build.Id, assignment.Attempt);
        var started = DateTimeOffset.UtcNow;
        _running[key] = assignment.Slot;
        _runs.Enqueue(new ExecutorRun(assignment.Build.Id, assignment.Attempt, assignment.Slot, started));
        try
        {
            var step = _steps.GetValueOrDefault(key, ScriptedStep.Success);
            if (step.Hang)
                await Gate(key.Id, key.Attempt).Task.WaitAsync(ct);
            var folder = $"/fake/results/{assignment.Build.Id}/{assignment.Attempt}";
            return new BuildResult(
                assignment.Build.Id,
                assignment.Attempt,
                assignment.Slot,
                step.Outcome,
                step.Summary ?? $"fake build by {nameof(ScriptedBuildExecutor)}: {step.Outcome}",
                step.MissingDependencies ?? [],
                folder,
                $"/fake/logs/{assignment.Build.Id}/{assignment.Attempt}.log",
                step.Outcome == BuildOutcome.Success ? [$"{assignment.Build.Source}_{assignment.Build.Version}_{assignment.Build.Architecture}.deb"] : [],
                started,
                DateTimeOffset.UtcNow);
        }
        finally
        {
            _running.TryRemove(key, out _);
        }
    }

    private TaskCompletionSource Gate(string buildId, int attempt) =>
        _gates.GetOrAdd((buildId, attempt), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
