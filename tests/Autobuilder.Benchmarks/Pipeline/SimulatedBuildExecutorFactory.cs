using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Services;

namespace Autobuilder.Benchmarks.Pipeline;

/// <summary>
/// A stand-in for builder hosts (there is no machine for hundreds of real slots): every build
/// "succeeds" at once, so what is measured is the scheduler and slot machinery around builds.
/// </summary>
public sealed class SimulatedBuildExecutorFactory : IBuildExecutorFactory
{
    public IBuildExecutor Create(SlotConfig slot) => new SimulatedBuildExecutor(slot);

    private sealed class SimulatedBuildExecutor(SlotConfig slot) : IBuildExecutor
    {
        public Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
        {
            var now = DateTimeOffset.UtcNow;
            return Task.FromResult(new BuildResult(assignment.Build.Id, assignment.Attempt, slot.Key, BuildOutcome.Success,
                "simulated", [], "", "", [], now, now));
        }
    }
}
