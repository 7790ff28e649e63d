using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Chaos;

/// <summary>
/// How the driver knows which step a kill landed in, honestly: it counts only what it saw in
/// progress. Right before the SIGKILL it reads the upload states and the distributions' status
/// from the silo (the snapshot's age is reported); right after, with the silo dead, it reads the
/// disk; after the restart, the silo's own log. A step seen nowhere is reported as never hit.
/// <list type="bullet">
/// <item>intake: a file still in <c>incoming/&lt;product&gt;/</c> at the kill (not yet taken);</item>
/// <item>verification: an upload Received (its checks running), or Rejected but not settled (moving its files aside);</item>
/// <item>dispatch: an upload Verified or Queued (a build waiting for, or being handed to, a slot);</item>
/// <item>build: an upload Building;</item>
/// <item>hand-off: an upload Built (results recorded, offer to the stage not yet made);</item>
/// <item>publish: an upload Publishing, or a distribution whose generation is not yet published and live;</item>
/// <item>journal append: a journal whose last line is not a whole commit line at the kill, or the
/// restarted silo logging that it dropped an uncommitted change;</item>
/// <item>compaction: a journal's <c>.compact</c> file present at the kill;</item>
/// <item>promotion, clean-up, rollback: the driver's own call still unanswered at the kill;</item>
/// <item>remote sync: a distribution with a remote live tree whose sync had not caught up (role all has none).</item>
/// </list>
/// </summary>
public static class KillProbe
{
    public const string TornJournalLog = "uncommitted change a crash cut short";

    public sealed record Snapshot(DateTimeOffset At, IReadOnlyList<UploadSummary> Active, IReadOnlyList<DistributionStatus> Distributions);

    public static async Task<Snapshot> TakeAsync(SiloProcess silo, string product, IReadOnlyList<string> distributions)
    {
        var active = (await silo.Grains.GetGrain<IUploadRegistryGrain>(product).ListAsync(1000)).Where(u => !u.Settled).ToList();
        var statuses = new List<DistributionStatus>();
        foreach (var d in distributions)
            statuses.Add(await silo.Grains.GetGrain<IDistributionGrain>(d).GetStatusAsync());
        return new Snapshot(DateTimeOffset.UtcNow, active, statuses);
    }

    /// <summary>The steps the snapshot shows in progress.</summary>
    public static IEnumerable<string> FromSnapshot(Snapshot s)
    {
        foreach (var u in s.Active)
        {
            yield return u.State switch
            {
                UploadState.Received or UploadState.Rejected => ChaosSteps.Verification,
                UploadState.Verified or UploadState.Queued => ChaosSteps.Dispatch,
                UploadState.Building => ChaosSteps.Build,
                UploadState.Built => ChaosSteps.HandOff,
                UploadState.Publishing => ChaosSteps.Publish,
                _ => "",
            };
        }
        foreach (var d in s.Distributions)
        {
            if (d.PublishedGeneration != d.Generation || d.LiveGeneration != d.PublishedGeneration)
                yield return ChaosSteps.Publish;
            if (d.Remote is not null && !d.RemoteInSync)
                yield return ChaosSteps.RemoteSync;
        }
    }

    /// <summary>
    /// The role of a silo by its name ("garage@garage", "builder@builder1", "stage@stage" in the
    /// cluster tests' fixture); "all" for a silo of role all (whose name has no '@').
    /// </summary>
    public static string RoleOf(SiloProcess silo) => silo.Name.Contains('@') ? silo.Name[..silo.Name.IndexOf('@')] : "all";

    /// <summary>
    /// Whether a step runs in a silo of <paramref name="role"/>, so a kill of that silo can land in
    /// it: intake, verification, dispatch and hand-off in the garage, the build in a builder, the
    /// publish and every change of the package set in the stage; everything in a silo of role all.
    /// </summary>
    public static bool RunsOn(string step, string role) => role switch
    {
        "all" => true,
        "garage" => step is ChaosSteps.Intake or ChaosSteps.Verification or ChaosSteps.Dispatch or ChaosSteps.HandOff,
        "builder" => step is ChaosSteps.Build,
        "stage" => step is ChaosSteps.Publish or ChaosSteps.JournalAppend or ChaosSteps.Compaction or ChaosSteps.Promotion
            or ChaosSteps.CleanUp or ChaosSteps.Rollback or ChaosSteps.RemoteSync,
        _ => false,
    };

    /// <summary>What the disk shows with the silo dead: untaken incoming files (the garage's), a torn journal tail, a compaction under way (the stage's).</summary>
    public static IEnumerable<(string Step, string Evidence)> FromDisk(string garageRoot, string stageRoot, string product)
    {
        var incoming = Path.Combine(garageRoot, "incoming", product);
        if (Directory.Exists(incoming) && Directory.EnumerateFiles(incoming).Any())
            yield return (ChaosSteps.Intake, "");
        var db = Path.Combine(stageRoot, "repos", "db");
        if (!Directory.Exists(db))
            yield break;
        foreach (var journal in Directory.EnumerateFiles(db, "journal.jsonl", SearchOption.AllDirectories))
        {
            var tail = Tail(journal);
            if (tail.Length > 0 && (!tail.EndsWith('\n') || !LastLine(tail).Contains("commit", StringComparison.OrdinalIgnoreCase)))
                yield return (ChaosSteps.JournalAppend, $"torn tail in {Path.GetRelativePath(db, journal)}");
        }
        foreach (var compact in Directory.EnumerateFiles(db, "*.compact", SearchOption.AllDirectories))
            yield return (ChaosSteps.Compaction, $"{Path.GetRelativePath(db, compact)} present");
    }

    /// <summary>Orleans' warning of a silo that finds its own address and port in the membership table under an older generation still not Dead.</summary>
    public const string OlderIncarnationLog = "Detected older version of myself";

    public static int TornJournalLogs(string output) => Occurrences(output, TornJournalLog);

    public static int OlderIncarnationDeclaredDead(string output) => Occurrences(output, OlderIncarnationLog);

    private static int Occurrences(string output, string text)
    {
        var n = 0;
        for (var i = output.IndexOf(text, StringComparison.Ordinal); i >= 0; i = output.IndexOf(text, i + 1, StringComparison.Ordinal))
            n++;
        return n;
    }

    private static string Tail(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = Math.Min(f.Length, 64 * 1024);
        f.Seek(-length, SeekOrigin.End);
        var buffer = new byte[length];
        f.ReadExactly(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer);
    }

    private static string LastLine(string tail)
    {
        var trimmed = tail.TrimEnd('\n');
        var cut = trimmed.LastIndexOf('\n');
        return cut < 0 ? trimmed : trimmed[(cut + 1)..];
    }
}
