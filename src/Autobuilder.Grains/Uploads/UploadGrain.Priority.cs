using Autobuilder.Grains.Options;
using Autobuilder.Grains.Security;

namespace Autobuilder.Grains.Uploads;

/// <summary>The upload's build priority: the configured base, or what an operator set (<c>uploads rescore</c>).</summary>
public sealed partial class UploadGrain
{
    private int Priority => S.Priority ?? _options.Priorities.For(_options.Repository, S.Product);

    async Task<string> IUploadGrain.RescoreAsync(int priority, string by)
    {
        if (S.Ticket is null)
            return $"no upload {Id}";
        if (priority is < BuildPriorityOptions.Min or > BuildPriorityOptions.Max)
            return $"priority {priority} refused: it must lie between {BuildPriorityOptions.Min} and {BuildPriorityOptions.Max}";
        if (S.State is UploadState.Received or UploadState.Rejected)
            return $"{Id} is {S.State}: it has no builds to rescore";
        // Who acted is the certificate the silo verified, not what the console says it is.
        by = VerifiedCaller.Name ?? by;
        var was = Priority;
        S.Priority = priority;
        var waiting = S.Builds.Where(b => b.State == BuildState.Waiting).Select(b => b.Architecture).ToList();
        await TransitionAsync(S.State, $"priority {was} -> {priority}, set by {by}" + (waiting.Count > 0
            ? $"; waiting build(s) {string.Join(", ", waiting)} reordered"
            : "; no build waiting now: retries keep it"));
        if (waiting.Count > 0)
            await Scheduler.RescoreAsync(Id, priority);
        return $"{Id}: priority {priority} (was {was}); {waiting.Count} waiting build(s) reordered";
    }
}
