using Autobuilder.Grains.Builds;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Grains.Uploads;

/// <summary>
/// Dep-wait released by events (issue 12, point 6): a build whose build-dependencies are missing is
/// recorded with the <see cref="IDependencyWaitGrain"/>, which queues it again here when a
/// distribution it builds against publishes what it missed. Retry, cancel and supersede forget it.
/// </summary>
public sealed partial class UploadGrain
{
    private IDependencyWaitGrain DependencyWaits => GrainFactory.GetGrain<IDependencyWaitGrain>(0);

    /// <summary>The distributions builds of this upload use besides the base system (chroot mode); none where no plan is configured.</summary>
    private IReadOnlyList<string> BuildSourcesOfProduct() => ServiceProvider.GetService<BuildSourcePlan>()?.For(S.Product) ?? [];

    /// <summary>Remembers a dep-wait, before the upload records it: a wait for an attempt the upload later counts lost is harmless.</summary>
    private Task RecordDependencyWaitAsync(BuildRecord build, BuildResult result) =>
        DependencyWaits.WaitAsync(new DependencyWait(UploadIds.Build(Id, build.Architecture), Id, build.Architecture,
            [.. result.MissingDependencies], BuildSourcesOfProduct(), result.Finished, build.Attempt, result.Started));

    async Task IUploadGrain.DependenciesAvailableAsync(string buildId, int attempt, string reason)
    {
        var build = Find(buildId);
        if (build is null || build.Attempt != attempt || build.State != BuildState.Finished || build.Outcome != BuildOutcome.DepWait)
            return;
        if (S.Outcome is { } settled && settled != UploadState.DepWait)
        {
            // Another architecture failed: the upload as a whole needs an operator's retry, which builds both.
            await TransitionAsync(S.State, $"{build.Architecture}: build dependencies available ({reason}); not queued again because the upload is {settled} (autobuilder uploads retry {Id})");
            return;
        }
        // As an operator's retry does, for this build only.
        build.State = BuildState.Waiting;
        build.Attempt++;
        build.Outcome = null;
        build.Summary = null;
        build.Mailed = false;
        build.FailedSlots.Clear();
        build.InfrastructureErrors = 0;
        build.CancelRequested = null;
        var why = $"{build.Architecture}: build dependencies available, queued again (attempt {build.Attempt}): {reason}";
        if (S.Outcome is not null)
        {
            S.Outcome = null;
            await TransitionAsync(UploadState.Queued, why);
        }
        else
            await TransitionAsync(S.State, why);
        await EnqueueWaitingBuildsAsync();
    }

    /// <summary>An operator's retry builds these again: they wait for nothing any more.</summary>
    private async Task ForgetDependencyWaitsAsync(IEnumerable<BuildRecord> builds)
    {
        foreach (var b in builds)
            await DependencyWaits.ForgetAsync(UploadIds.Build(Id, b.Architecture));
    }

    /// <summary>
    /// Cancel and supersede end the builds that wait for build dependencies as Cancelled (so no
    /// publish queues them again) and forget their waits. Returns how many there were.
    /// </summary>
    private async Task<int> StopDependencyWaitsAsync(string why)
    {
        var waiting = S.Builds.Where(b => b.State == BuildState.Finished && b.Outcome == BuildOutcome.DepWait).ToList();
        if (waiting.Count == 0)
            return 0;
        foreach (var b in waiting)
        {
            await DependencyWaits.ForgetAsync(UploadIds.Build(Id, b.Architecture));
            b.Outcome = BuildOutcome.Cancelled;
            b.Summary = $"{why} (was waiting for build dependencies: {string.Join(", ", b.MissingDependencies)})";
        }
        await TransitionAsync(S.State, $"{why}: {string.Join(", ", waiting.Select(b => b.Architecture))} no longer wait(s) for build dependencies",
            S.Outcome == UploadState.DepWait ? UploadState.Cancelled : null);
        return waiting.Count;
    }
}
