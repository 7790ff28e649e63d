using System.Globalization;
using System.Text;

namespace Autobuilder.Chaos;

/// <summary>
/// The steps of an upload's walk and of the stage's upkeep that a kill can land in (issue 14's list).
/// How a kill is counted for each is in <see cref="KillProbe"/>.
/// </summary>
public static class ChaosSteps
{
    public const string Intake = "intake";
    public const string Verification = "verification";
    public const string Dispatch = "dispatch";
    public const string Build = "build";
    public const string HandOff = "hand-off";
    public const string Publish = "publish";
    public const string JournalAppend = "journal append";
    public const string Compaction = "compaction";
    public const string Promotion = "promotion";
    public const string CleanUp = "clean-up";
    public const string Rollback = "rollback";
    public const string RemoteSync = "remote sync";

    public static IReadOnlyList<string> All { get; } =
        [Intake, Verification, Dispatch, Build, HandOff, Publish, JournalAppend, Compaction, Promotion, CleanUp, Rollback, RemoteSync];
}

/// <summary>What the driver was doing, for <see cref="ChaosReport.TimeSpent"/>: each second of a run is in exactly one.</summary>
public static class TimeSteps
{
    public const string Driver = "driver: between steps (its loop, matching drops to registrations, kill bookkeeping)";
    public const string FirstStart = "silo(s) starting before the first drop";
    public const string Registry = "driver: reading the upload registry between drops";
    public const string Unanswered = "registry not answering (a silo just restarted), asked again";
    public const string InFlight = "silo busy: the uploads in flight at the bound, waiting for one to settle";
    public const string Drop = "driver: copying an upload into incoming";
    public const string Source = "driver: waiting for an upload's source package to be made";
    public const string Maintenance = "promotions, clean-ups and rollbacks the driver waited for";
    public const string Kill = "driver: the kill itself (snapshot before, SIGKILL, disk and log probes after)";
    public const string Aim = "aiming a kill (waiting for a build, a publish, an operation to be under way)";
    public const string Restart = "silo restart after a kill (process start → its gateway answering)";
    public const string IntakeBack = "after a restart: silo answering → the waiting upload registered";
    public const string Settling = "settling: the last drop → every upload settled";
    public const string Checks = "end checks (details, mails, final clean-up, archive against pool)";
}

/// <summary>One kill: when, how it was aimed, what was in progress, and how long the silo took to come back.</summary>
public sealed record KillRecord(int Number, TimeSpan At, string Aim, IReadOnlyList<string> Steps, TimeSpan SnapshotAge,
    TimeSpan Answering, TimeSpan? IntakeBack, string Evidence)
{
    /// <summary>The silo process killed (its name: "chaos", or "garage@garage", "builder@builder1" … in a cluster).</summary>
    public string Victim { get; init; } = "";
}

/// <summary>Everything a run found; <see cref="Failures"/> empty means every promise held.</summary>
public sealed class ChaosReport
{
    public int Seed { get; init; }
    public int PlannedUploads { get; set; }
    public int Dropped { get; set; }
    public int Settled { get; set; }
    public Dictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);
    public List<KillRecord> Kills { get; } = [];
    public List<string> Maintenance { get; } = [];
    public List<string> Failures { get; } = [];
    public List<string> Notes { get; } = [];
    public int DebsChecked { get; set; }
    public int SourcesChecked { get; set; }
    public int GenerationsChecked { get; set; }
    public int PoolFiles { get; set; }
    public int PoolUnreferencedInGrace { get; set; }
    public int Mails { get; set; }
    public int DuplicateMailsMarked { get; set; }
    public int DuplicateMailsUnmarked { get; set; }
    public int DepWaitsWoken { get; set; }

    /// <summary>Restarts (in a cluster) whose new process marked its killed incarnation Dead itself, the others not having done it yet.</summary>
    public int RejoinedOverOwnEntry { get; set; }
    public TimeSpan Elapsed { get; set; }

    /// <summary>The whole run: the silos' start, the drops, kills and settling, and the end checks.</summary>
    public TimeSpan Wall { get; set; }
    public double SettledPerMinute { get; set; }
    public double? BaselinePerMinute { get; set; }

    public double? Ratio => BaselinePerMinute is > 0 ? SettledPerMinute / BaselinePerMinute : null;

    /// <summary>
    /// Where the run's wall time went, by what the driver was doing (waiting on a silo's start, on
    /// the uploads in flight, on a source being made …): the driver's own share is what is not the silo's.
    /// </summary>
    public Dictionary<string, TimeSpan> TimeSpent { get; } = new(StringComparer.Ordinal);

    public void Spent(string what, TimeSpan time) => TimeSpent[what] = TimeSpent.GetValueOrDefault(what) + time;

    public Dictionary<string, int> StepsHit()
    {
        var hits = ChaosSteps.All.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        foreach (var step in Kills.SelectMany(k => k.Steps))
            hits[step]++;
        return hits;
    }

    public static TimeSpan? Percentile(IEnumerable<TimeSpan> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        if (sorted.Count == 0)
            return null;
        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    public TimeSpan? RecoveryP(double p) => Percentile(Kills.Where(k => k.IntakeBack is not null).Select(k => k.IntakeBack!.Value), p);

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"chaos run, seed {Seed}: {Dropped}/{PlannedUploads} uploads dropped, {Settled} settled, {Kills.Count} kills -9, {Elapsed.TotalSeconds:0} s from the first drop, {Wall.TotalSeconds:0} s in all");
        s.AppendLine("outcomes: " + string.Join(", ", Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}")));
        s.AppendLine(c, $"dep-waits woken by a publish of what they missed: {DepWaitsWoken}");
        s.AppendLine("steps the kills hit:");
        foreach (var (step, n) in StepsHit())
            s.AppendLine(c, $"  {step,-15} {(n == 0 ? "never hit" : n.ToString(c))}");
        s.AppendLine(c, $"archive: {GenerationsChecked} live generation(s) checked against the pool, {DebsChecked} .deb and {SourcesChecked} source entries, " +
            $"{PoolFiles} pool files ({PoolUnreferencedInGrace} unreferenced, within the grace period)");
        s.AppendLine(c, $"mails: {Mails} received; duplicates marked (same Message-Id) {DuplicateMailsMarked}, unmarked {DuplicateMailsUnmarked}");
        var comparison = BaselinePerMinute is { } b
            ? string.Create(c, $", {b:0.0} without kills: {Ratio:0.00}x")
            : " (no run without kills for comparison)";
        s.AppendLine(c, $"throughput: {SettledPerMinute:0.0} uploads settled per minute under kills{comparison}");
        var answering = Percentile(Kills.Select(k => k.Answering), 0.5);
        s.AppendLine(c, $"recovery (silo start to intake taking uploads again): p50 {Seconds(RecoveryP(0.5))}, p95 {Seconds(RecoveryP(0.95))} " +
            $"over {Kills.Count(k => k.IntakeBack is not null)} kills; silo answering p50 {Seconds(answering)}, p95 {Seconds(Percentile(Kills.Select(k => k.Answering), 0.95))}");
        if (TimeSpent.Count > 0)
        {
            s.AppendLine(c, $"where the {Wall.TotalSeconds:0} s went:");
            foreach (var (what, time) in TimeSpent.OrderByDescending(t => t.Value))
                s.AppendLine(c, $"  {time.TotalSeconds,6:0.0} s {(Wall > TimeSpan.Zero ? time / Wall : 0),4:0%}  {what}");
        }
        if (Kills.Any(k => k.Victim.Contains('@')))
            s.AppendLine(c, $"restarts that declared their killed incarnation dead themselves (the others had not yet): {RejoinedOverOwnEntry} of {Kills.Count}");
        s.AppendLine(c, $"snapshot before a kill was at most {Seconds(Kills.Count == 0 ? null : Kills.Max(k => k.SnapshotAge))} old");
        foreach (var k in Kills)
            s.AppendLine(c, $"  kill {k.Number,2} at {k.At.TotalSeconds,6:0.0} s{(k.Victim.Contains('@') ? " of " + k.Victim : "")} aimed {k.Aim,-11} hit [{string.Join(", ", k.Steps)}]" +
                $" answering in {Seconds(k.Answering)}, intake back in {Seconds(k.IntakeBack)}{(k.Evidence.Length > 0 ? "; " + k.Evidence : "")}");
        foreach (var m in Maintenance)
            s.AppendLine("  op: " + m);
        foreach (var n in Notes)
            s.AppendLine("note: " + n);
        s.AppendLine(Failures.Count == 0 ? "RESULT: every check held" : $"RESULT: {Failures.Count} failure(s):");
        foreach (var f in Failures)
            s.AppendLine("  FAIL " + f);
        return s.ToString();
    }

    private static string Seconds(TimeSpan? t) => t is { } v ? v.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "n/a";
}
