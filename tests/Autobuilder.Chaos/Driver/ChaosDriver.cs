using System.Diagnostics;
using System.Globalization;
using Autobuilder.Grains;
using Autobuilder.Testing;
using MimeKit;

namespace Autobuilder.Chaos;

/// <summary>
/// The chaos campaign (issue 14 point 1) on one real silo of role <c>all</c> or on the four silo
/// processes of a cluster (<see cref="IChaosTarget"/>): a seeded mix of real source packages dropped
/// into incoming as scp would, promotions, clean-ups and rollbacks called as the console calls them,
/// and SIGKILLs of a silo process at random moments, each followed by a restart on the same data
/// root. At the end it checks, from the silos and from the disk, that nothing was lost, nothing
/// published twice, the archive is whole, and every outcome was mailed. The CI tests
/// (<c>ChaosTests</c>, <c>ClusterChaosTests</c>) and the soak program (<c>tests/Autobuilder.Chaos</c>) run this.
/// </summary>
public sealed class ChaosDriver
{
    private const string Product = "bookworm";
    private const string Devel = "extras-devel";
    private const string Testing = "extras-testing";
    private static readonly string[] Distributions = [$"{Devel}/{Product}", $"{Testing}/{Product}"];
    private static readonly string[] Aims = ["random", "build", "publish", "maintenance", "intake"];

    private readonly ChaosOptions _options;
    private readonly IReadOnlyList<PlannedUpload> _plan;
    // Each upload's .dsc once made: sources are made in plan order in the background while the
    // silo starts and the first uploads build, and a drop waits only for its own.
    private readonly Dictionary<int, TaskCompletionSource<string>> _sources;
    private Task? _preparing;

    public ChaosDriver(ChaosOptions options)
    {
        _options = options;
        _plan = ChaosPlan.Make(options.Uploads, new Random(options.Seed));
        _sources = _plan.ToDictionary(p => p.Index, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>Uploads of the run are the sources named so (the mix's names): what else a shared cluster holds is not the run's.</summary>
    public const string SourcePrefix = "chaos-";

    public IReadOnlyList<PlannedUpload> Plan => _plan;

    /// <summary>The run under kills on a silo of role all of its own, then (with <see cref="ChaosOptions.Baseline"/>) the same mix without kills on another.</summary>
    public async Task<ChaosReport> RunAsync()
    {
        var report = await RunAsync(new SingleSiloTarget(Path.Combine(_options.WorkRoot, "chaos"), "chaos", _options), _options.Kills, "chaos");
        if (_options.Baseline)
        {
            var baseline = await RunAsync(new SingleSiloTarget(Path.Combine(_options.WorkRoot, "baseline"), "baseline", _options), 0, "baseline");
            report.BaselinePerMinute = baseline.SettledPerMinute;
            report.Failures.AddRange(baseline.Failures.Select(f => "without kills: " + f));
        }
        return report;
    }

    /// <summary>The run under kills on silos someone else started (a cluster): they are killed and restarted, and left running.</summary>
    public Task<ChaosReport> RunAsync(IChaosTarget target) => RunAsync(target, _options.Kills, "chaos");

    private async Task<ChaosReport> RunAsync(IChaosTarget target, int kills, string name)
    {
        _options.Log($"{name}: seed {_options.Seed}, {_plan.Count} uploads, {kills} kills; mix: " +
            string.Join(", ", _plan.GroupBy(p => p.Kind).Select(g => $"{g.Key} {g.Count()}")));
        // dpkg-source runs while the silo starts and the first uploads build: a drop is then only a copy.
        _preparing ??= Task.Run(PrepareAsync);
        await using (target)
            return await new Run(this, target, kills, name).ExecuteAsync();
    }

    /// <summary>Makes every package of the mix once, in plan order (the order of the drops), two at a time.</summary>
    private async Task PrepareAsync()
    {
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(_plan, new ParallelOptions { MaxDegreeOfParallelism = 2 }, (p, _) =>
        {
            try
            {
                var folder = Path.Combine(_options.WorkRoot, "sources", p.Index.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(folder);
                var dsc = _options.MakeSource is { } make ? make(p, folder) : p.Package.BuildSource(folder);
                if (p.Kind == UploadKind.BadChecksum)
                {
                    // The tarball changes after dpkg-source listed its size and sums (beside the .dsc: a
                    // MakeSource may have made the upload in a folder of its own under the one given).
                    var tarball = Directory.GetFiles(Path.GetDirectoryName(dsc)!, "*.tar.*").Single();
                    File.AppendAllText(tarball, "changed after signing\n");
                }
                _sources[p.Index].TrySetResult(dsc);
            }
            catch (Exception e)
            {
                _sources[p.Index].TrySetException(e);
            }
            return ValueTask.CompletedTask;
        });
        _options.Log($"chaos: {_plan.Count} source packages made in {sw.Elapsed.TotalSeconds:0.0} s (in the background)");
    }

    /// <summary>One target, one pass over the mix.</summary>
    private sealed class Run(ChaosDriver driver, IChaosTarget target, int kills, string name)
    {
        private readonly ChaosOptions _o = driver._options;
        private readonly Random _rng = new(driver._options.Seed ^ 0x5eed);
        private readonly ChaosReport _report = new() { Seed = driver._options.Seed, PlannedUploads = driver._plan.Count };
        private readonly List<PlannedUpload> _pending = [.. driver._plan];
        private readonly List<PlannedUpload> _dropped = [];
        private readonly Dictionary<int, UploadSummary> _uploads = [];
        private readonly Dictionary<int, TimeSpan> _settledAt = [];
        private readonly HashSet<string> _promoted = new(StringComparer.Ordinal);
        private readonly Stopwatch _clock = new();
        private IReadOnlyList<UploadSummary> _registry = [];
        private int _rollbacks;
        // The phase the driver is in (innermost last): each phase's clock runs only while it is innermost,
        // so the phases' times add up to the run's wall time (ChaosReport.TimeSpent).
        private readonly Stack<(string What, Stopwatch Clock)> _phases = new();

        private Phase In(string what)
        {
            if (_phases.TryPeek(out var outer))
                outer.Clock.Stop();
            _phases.Push((what, Stopwatch.StartNew()));
            return new Phase(this);
        }

        private sealed class Phase(Run run) : IDisposable
        {
            public void Dispose()
            {
                var (what, clock) = run._phases.Pop();
                run._report.Spent(what, clock.Elapsed);
                if (run._phases.TryPeek(out var outer))
                    outer.Clock.Start();
            }
        }

        /// <summary>Takes uploads and answers the driver's grain calls (the one silo of role all, or the garage).</summary>
        private SiloProcess Garage => target.Garage;

        public async Task<ChaosReport> ExecuteAsync()
        {
            var wall = Stopwatch.StartNew();
            var driverLoop = In(TimeSteps.Driver);
            using (In(TimeSteps.FirstStart))
                await target.StartAsync();
            _o.Log($"{name}: silos up in {wall.Elapsed.TotalSeconds:0.0} s, garage data root {Garage.DataRoot}");

            var killsAt = KillSchedule();
            var deadline = DateTime.UtcNow + _o.Deadline;
            _clock.Start();
            while (_pending.Count > 0 && DateTime.UtcNow < deadline)
            {
                bool answered;
                using (In(TimeSteps.Registry))
                    answered = await TryRefreshAsync();
                if (!answered)
                {
                    using (In(TimeSteps.Unanswered))
                        await Task.Delay(250);
                    continue;
                }
                var next = _dropped.Count - _settledAt.Count < _o.InFlight ? NextDroppable() : null;
                if (next is null)
                {
                    using (In(TimeSteps.InFlight))
                        await Task.Delay(250);
                    continue;
                }
                await DropAsync(next);
                if (_dropped.Count % _o.OperationEvery == 0)
                {
                    using (In(TimeSteps.Maintenance))
                        await MaintenanceAsync(PickOperation(), awaited: true);
                }
                // Every kill whose drop number has passed: a kill drops the next upload while the silo
                // is down, so a drop number can be passed without the loop stopping at it.
                while (killsAt.Count > 0 && killsAt.Peek() <= _dropped.Count)
                {
                    killsAt.Dequeue();
                    await KillAndRestartAsync();
                }
            }
            // Kills whose drop never came (the last uploads went in as the kills' own drops).
            while (killsAt.Count > 0 && DateTime.UtcNow < deadline)
            {
                killsAt.Dequeue();
                await KillAndRestartAsync();
            }
            using (In(TimeSteps.Settling))
                await SettleAsync(deadline + TimeSpan.FromMinutes(1));
            _report.Elapsed = _clock.Elapsed;
            using (In(TimeSteps.Checks))
                await CheckAsync();
            driverLoop.Dispose();
            _report.Wall = wall.Elapsed;
            _o.Log(name + ":\n" + _report);
            return _report;
        }

        /// <summary>Kill k after the drop numbered about k·N/(K+1), give or take one: spread over the run, all before the last drop.</summary>
        private Queue<int> KillSchedule()
        {
            var schedule = new List<int>();
            var n = driver._plan.Count;
            for (var k = 1; k <= kills; k++)
                schedule.Add(Math.Clamp((int)Math.Round(k * n / (double)(kills + 1)) + _rng.Next(-1, 2), 1, n - 1));
            return new Queue<int>(schedule.Order());
        }

        private PlannedUpload? NextDroppable() =>
            _pending.FirstOrDefault(p => p.After is not { } after || _uploads.TryGetValue(after, out var u) && u.Settled);

        private async Task DropAsync(PlannedUpload upload)
        {
            using var dropping = In(TimeSteps.Drop);
            string dsc;
            using (In(TimeSteps.Source))
                dsc = await driver._sources[upload.Index].Task;
            var incoming = Garage.Incoming(Product);
            Directory.CreateDirectory(incoming);
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(dsc)!).Where(f => f != dsc))
                File.Copy(file, Path.Combine(incoming, Path.GetFileName(file)), overwrite: true);
            // The .dsc last and whole, as an uploader's tool renames it into place.
            var into = Path.Combine(incoming, Path.GetFileName(dsc));
            File.Copy(dsc, into + ".part", overwrite: true);
            File.Move(into + ".part", into, overwrite: true);
            _pending.Remove(upload);
            _dropped.Add(upload);
        }

        /// <summary>
        /// <see cref="RefreshAsync"/>, false when the call failed: in a cluster, a silo that was just
        /// restarted may refuse a call or two while the others see it again (asked again at the next turn).
        /// </summary>
        private async Task<bool> TryRefreshAsync()
        {
            try
            {
                await RefreshAsync();
                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _o.Log($"{name}: reading the registry failed ({e.GetType().Name}: {e.Message}); asking again");
                return false;
            }
        }

        /// <summary>Reads the registry and matches its uploads to the dropped ones (the n-th drop of a source and version is its n-th registration).</summary>
        private async Task RefreshAsync()
        {
            _registry = (await Garage.Grains.GetGrain<IUploadRegistryGrain>(Product).ListAsync(driver._plan.Count * 2 + 100))
                .Where(u => u.Source.StartsWith(SourcePrefix, StringComparison.Ordinal)).ToList();
            var bySource = _registry.GroupBy(u => (u.Source, u.Version)).ToDictionary(g => g.Key, g => g.OrderBy(u => u.ReceivedAt).ToList());
            var rank = new Dictionary<(string, string), int>();
            foreach (var p in _dropped)
            {
                var key = (p.Source, p.Version);
                var r = rank[key] = rank.GetValueOrDefault(key) + 1;
                if (bySource.TryGetValue(key, out var list) && list.Count >= r)
                {
                    _uploads[p.Index] = list[r - 1];
                    if (list[r - 1].Settled && !_settledAt.ContainsKey(p.Index))
                        _settledAt[p.Index] = _clock.Elapsed;
                }
            }
        }

        private string PickOperation()
        {
            var r = _rng.Next(10);
            return r < 5 ? ChaosSteps.Promotion : r < 8 ? ChaosSteps.CleanUp : ChaosSteps.Rollback;
        }

        /// <summary>A promotion, clean-up or rollback, as <c>repo promote|cleanup|rollback</c> call them.</summary>
        private async Task MaintenanceAsync(string operation, bool awaited)
        {
            var grains = Garage.Grains;
            string what;
            Task<StageResult> call;
            switch (operation)
            {
                case ChaosSteps.Promotion:
                {
                    var candidates = _dropped.Where(p => p.Expected == UploadState.Published && !_promoted.Contains($"{p.Source} {p.Version}")
                        && _uploads.TryGetValue(p.Index, out var u) && u.Outcome == UploadState.Published).ToList();
                    if (candidates.Count == 0)
                    {
                        _report.Maintenance.Add("promotion skipped: nothing published yet");
                        return;
                    }
                    var p = candidates[_rng.Next(candidates.Count)];
                    _promoted.Add($"{p.Source} {p.Version}");
                    what = $"promote {p.Source} {p.Version} {Devel} → {Testing}";
                    call = grains.GetGrain<IRepositoryGrain>(Testing).PromoteAsync(p.Source, p.Version, Devel, null, null);
                    break;
                }
                case ChaosSteps.CleanUp:
                {
                    var repository = _rng.Next(2) == 0 ? Devel : Testing;
                    what = $"cleanup {repository} --keep 1";
                    call = grains.GetGrain<IRepositoryGrain>(repository).CleanupAsync(null, 1);
                    break;
                }
                default:
                {
                    DistributionStatus status;
                    try
                    {
                        status = await grains.GetGrain<IDistributionGrain>(Distributions[1]).GetStatusAsync();
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // A stage just restarted in a cluster may refuse a call or two.
                        _report.Maintenance.Add($"rollback skipped: {Testing}'s status could not be read ({e.GetType().Name})");
                        return;
                    }
                    var earlier = status.History.Where(h => h.Generation < status.PublishedGeneration).Select(h => h.Generation).ToList();
                    if (earlier.Count == 0)
                    {
                        _report.Maintenance.Add($"rollback skipped: {Testing} has no earlier generation yet");
                        return;
                    }
                    var generation = earlier[_rng.Next(earlier.Count)];
                    what = $"rollback {Distributions[1]} to generation {generation}";
                    _rollbacks++;
                    call = grains.GetGrain<IDistributionGrain>(Distributions[1]).RollbackAsync(generation);
                    break;
                }
            }
            _inFlight = (operation, call, what);
            if (awaited)
                await FinishOperationAsync();
        }

        private (string Step, Task<StageResult> Call, string What)? _inFlight;

        private async Task FinishOperationAsync()
        {
            if (_inFlight is not { } op)
                return;
            _inFlight = null;
            try
            {
                var result = await op.Call;
                _report.Maintenance.Add($"{op.What}: {(result.Ok ? "done" : "refused")}: {result.Message}");
            }
            catch (Exception e)
            {
                _report.Maintenance.Add($"{op.What}: cut off by the kill ({e.GetType().Name})");
            }
        }

        private async Task KillAndRestartAsync()
        {
            var aim = Aims[_rng.Next(Aims.Length)];
            var victim = target.Victims[_rng.Next(target.Victims.Count)];
            using var killing = In(TimeSteps.Kill);
            using (In(TimeSteps.Aim))
                await AimAsync(aim);

            var steps = new List<string>();
            var evidence = new List<string>();
            KillProbe.Snapshot? snapshot = null;
            try
            {
                snapshot = await KillProbe.TakeAsync(Garage, Product, Distributions);
            }
            catch (Exception e)
            {
                evidence.Add($"no snapshot ({e.GetType().Name})");
            }
            var role = KillProbe.RoleOf(victim);
            if (_inFlight is { Call.IsCompleted: false } op && KillProbe.RunsOn(op.Step, role))
                steps.Add(op.Step);
            await victim.KillNowAsync();
            var killedAt = DateTimeOffset.UtcNow;
            var at = _clock.Elapsed;
            if (snapshot is not null)
                steps.AddRange(KillProbe.FromSnapshot(snapshot).Where(s => s.Length > 0 && KillProbe.RunsOn(s, role)));
            foreach (var (step, why) in KillProbe.FromDisk(Garage.DataRoot, target.Stage.DataRoot, Product).Where(d => KillProbe.RunsOn(d.Step, role)))
            {
                steps.Add(step);
                if (why.Length > 0)
                    evidence.Add(why);
            }
            // The driver's own calls go through the garage's client, gone with it: an operation still
            // open is cut off at once. Another victim's (the stage's) answer is awaited after its restart.
            if (victim == Garage)
                await FinishOperationAsync();

            // Uploads keep arriving while the garage is down: one waits in incoming, and its
            // registration after the restart is when intake takes uploads again.
            var probe = victim == Garage ? NextDroppable() : null;
            if (probe is not null)
                await DropAsync(probe);
            var tornBefore = KillProbe.TornJournalLogs(target.Stage.Output);
            var olderBefore = KillProbe.OlderIncarnationDeclaredDead(victim.Output);
            var start = Stopwatch.StartNew();
            using (In(TimeSteps.Restart))
                await victim.StartAsync();
            var answering = start.Elapsed;
            // In a cluster the new process has the old one's address and port: at its start it marks its
            // killed incarnation Dead itself when the others have not yet (what an operator sees in its log).
            if (KillProbe.OlderIncarnationDeclaredDead(victim.Output) > olderBefore)
            {
                evidence.Add("the restarted silo declared its killed incarnation dead");
                _report.RejoinedOverOwnEntry++;
            }
            TimeSpan? back = null;
            if (probe is not null)
            {
                // Recovery is the silo's own record: the probe's ReceivedAt (stamped by intake when it
                // hands the upload to its grain) less the exec of the new process, on the same clock.
                // So neither the driver's polling nor its client's connect adds to it; the driver only
                // has to see it, and it reads the registry every 200 ms (each read costs the
                // starting silo CPU).
                using var intake = In(TimeSteps.IntakeBack);
                var until = DateTime.UtcNow.AddSeconds(120);
                while (DateTime.UtcNow < until)
                {
                    if (await TryRefreshAsync() && _uploads.TryGetValue(probe.Index, out var taken))
                    {
                        back = taken.ReceivedAt - victim.LastExecAt!.Value;
                        break;
                    }
                    await Task.Delay(200);
                }
                if (back is null)
                    _report.Failures.Add($"after kill {_report.Kills.Count + 1}, {probe} waited in incoming for 120 s without being taken");
            }
            // The stage loads its journals (cutting a torn tail, and logging it) while the silo starts.
            if (KillProbe.TornJournalLogs(target.Stage.Output) > tornBefore)
            {
                steps.Add(ChaosSteps.JournalAppend);
                evidence.Add("the restarted silo dropped an uncommitted journal change");
            }
            using (In(TimeSteps.Maintenance))
                await FinishOperationAsync();
            var record = new KillRecord(_report.Kills.Count + 1, at, aim, steps.Distinct().ToList(),
                snapshot is null ? TimeSpan.Zero : killedAt - snapshot.At, answering, back, string.Join("; ", evidence))
            { Victim = victim.Name };
            _report.Kills.Add(record);
            _o.Log($"{name}: kill {record.Number} of {victim.Name} ({aim}) hit [{string.Join(", ", record.Steps)}], answering in {answering.TotalSeconds:0.00} s" +
                (back is { } b ? $", intake back in {b.TotalSeconds:0.00} s" : ""));
        }

        /// <summary>Waits for the moment the kill aims at (a build running, a publish, an operation just called …).</summary>
        private async Task AimAsync(string aim)
        {
            switch (aim)
            {
                case "random":
                    await Task.Delay(_rng.Next(2000));
                    break;
                case "build":
                    await WaitUntilAsync(s => s.Active.Any(u => u.State == UploadState.Building), TimeSpan.FromSeconds(8), 200);
                    await Task.Delay(_rng.Next(1000));
                    break;
                case "publish":
                    await WaitUntilAsync(s => KillProbe.FromSnapshot(s).Contains(ChaosSteps.Publish)
                        || s.Active.Any(u => u.State == UploadState.Built), TimeSpan.FromSeconds(8), 50);
                    await Task.Delay(_rng.Next(100));
                    break;
                case "maintenance":
                    await MaintenanceAsync(PickOperation(), awaited: false);
                    await Task.Delay(_rng.Next(250));
                    break;
                default:
                    if (NextDroppable() is { } upload)
                        await DropAsync(upload);
                    await Task.Delay(_rng.Next(400));
                    break;
            }
        }

        private async Task WaitUntilAsync(Func<KillProbe.Snapshot, bool> condition, TimeSpan bound, int pollMs)
        {
            var until = DateTime.UtcNow + bound;
            while (DateTime.UtcNow < until)
            {
                try
                {
                    if (condition(await KillProbe.TakeAsync(Garage, Product, Distributions)))
                        return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Only aims the kill: a silo that refuses a call now is asked again.
                }
                await Task.Delay(pollMs);
            }
        }

        /// <summary>Waits until every dropped upload has settled (or the deadline), then the final clean-up.</summary>
        private async Task SettleAsync(DateTime deadline)
        {
            while (DateTime.UtcNow < deadline)
            {
                if (await TryRefreshAsync() && _dropped.All(p => _uploads.TryGetValue(p.Index, out var u) && u.Settled))
                    break;
                await Task.Delay(250);
            }
            var end = _settledAt.Count == 0 ? _clock.Elapsed : _settledAt.Values.Max();
            _report.Dropped = _dropped.Count;
            _report.Settled = _settledAt.Count;
            _report.SettledPerMinute = end > TimeSpan.Zero ? _settledAt.Count / end.TotalMinutes : 0;
            foreach (var p in _pending)
                _report.Failures.Add(p.After is { } after && !(_uploads.TryGetValue(after, out var u) && u.Settled)
                    ? $"{p} was never dropped: #{after}, which it follows, did not settle before the deadline"
                    : $"{p} was never dropped: the run's deadline came first");
        }

        private async Task CheckAsync()
        {
            var grains = Garage.Grains;
            var expectedMails = new List<(PlannedUpload Upload, string Id, string Subject)>();
            foreach (var p in _dropped)
            {
                if (!_uploads.TryGetValue(p.Index, out var summary))
                {
                    _report.Failures.Add($"{p}: dropped, never registered (lost)");
                    continue;
                }
                var details = await grains.GetGrain<IUploadGrain>(summary.Id).GetDetailsAsync();
                var s = details?.Summary ?? summary;
                var outcome = s.Settled ? (s.State == UploadState.Rejected ? UploadState.Rejected : s.Outcome ?? s.State) : s.State;
                var label = s.Settled ? outcome.ToString() : $"stuck in {s.State}";
                _report.Outcomes[label] = _report.Outcomes.GetValueOrDefault(label) + 1;
                if (!s.Settled)
                {
                    _report.Failures.Add($"{p} ({s.Id}): not settled, stuck in {s.State}: {s.LastReason}");
                    continue;
                }
                if (outcome != p.Expected)
                    _report.Failures.Add($"{p} ({s.Id}): ended {outcome}, expected {p.Expected}: {s.LastReason}");
                // The reason is the words of the step into the outcome ("Building -> Failed: …"), not the last step ("result mailed").
                var reason = details?.History.LastOrDefault(h => h.To == outcome && h.From != outcome)?.Reason ?? s.LastReason;
                var words = p.Kind switch
                {
                    UploadKind.BadChecksum => "mismatch",
                    UploadKind.OldVersion => "not newer",
                    UploadKind.FailingBuild => "build failed",
                    UploadKind.DepWaitApp => $"chaos-{p.Pair}-lib",
                    _ => "",
                };
                if (outcome == p.Expected && !reason.Contains(words, StringComparison.Ordinal))
                    _report.Failures.Add($"{p} ({s.Id}): ended {outcome}, but its reason does not say \"{words}\": {reason}");
                if (outcome == UploadState.Published)
                {
                    foreach (var d in details?.Publications?.GroupBy(a => a.Distribution) ?? [])
                        if (d.Count(a => a.Published) != 1)
                            _report.Failures.Add($"{p} ({s.Id}): {d.Count(a => a.Published)} publications in {d.Key}");
                    if (details?.Publications?.Any(a => a.Published) != true)
                        _report.Failures.Add($"{p} ({s.Id}): Published without a publication");
                }
                if (p.Kind == UploadKind.DepWaitApp && details?.History.Any(h => h.Reason.Contains("build dependencies available", StringComparison.Ordinal)) == true)
                    _report.DepWaitsWoken++;
                var subject = outcome switch
                {
                    UploadState.Published => "published in",
                    UploadState.Rejected => "REJECTED",
                    UploadState.Failed => "FAILED",
                    UploadState.DepWait => "DEP-WAIT",
                    _ => null,
                };
                if (subject is not null)
                    expectedMails.Add((p, s.Id, subject));
                if (_report.Notes.Count(n => n.StartsWith(p.Kind + ":", StringComparison.Ordinal)) == 0 && outcome != UploadState.Published)
                    _report.Notes.Add($"{p.Kind}: e.g. {s.Id} {outcome}: {reason}");
            }
            var extra = _registry.Where(u => !_uploads.Values.Any(m => m.Id == u.Id)).ToList();
            foreach (var u in extra)
                _report.Failures.Add($"{u.Id}: registered, but no drop of the run was it (an upload taken twice?)");
            var incoming = Garage.Incoming(Product);
            if (Directory.Exists(incoming) && Directory.EnumerateFileSystemEntries(incoming).Any())
                _report.Failures.Add($"incoming still holds: {string.Join(", ", Directory.EnumerateFileSystemEntries(incoming).Select(Path.GetFileName))}");

            await CheckMailsAsync(expectedMails);

            // The archive: a clean-up as an operator would run it, then what is on disk.
            foreach (var repository in new[] { Devel, Testing })
            {
                var cleanup = await grains.GetGrain<IRepositoryGrain>(repository).CleanupAsync(null, null);
                _report.Notes.Add($"final cleanup {repository}: {cleanup.Message}");
            }
            var repos = Path.Combine(target.Stage.DataRoot, "repos");
            foreach (var repository in new[] { Devel, Testing })
            {
                ArchiveCheck.LiveGeneration(Path.Combine(repos, "live", repository), Product, _report);
                var referenced = new HashSet<string>(await grains.GetGrain<IDistributionGrain>($"{repository}/{Product}").GetPoolFilesAsync(), StringComparer.Ordinal);
                ArchiveCheck.PoolWithinGrace(Path.Combine(repos, "staging", repository), Path.Combine(repos, "live", repository),
                    Path.Combine(repos, "db", repository, "pool-orphans.json"), referenced, target.PoolGrace, DateTimeOffset.UtcNow, repository, _report);
                var status = await grains.GetGrain<IDistributionGrain>($"{repository}/{Product}").GetStatusAsync();
                if (!status.InSync)
                    _report.Failures.Add($"{repository}/{Product}: not in sync at the end: generation {status.Generation}, published {status.PublishedGeneration}, live {status.LiveGeneration}, error {status.LastError}");
            }
            ArchiveCheck.JournalAddsOnce(Path.Combine(repos, "db", Devel, Product, "journal.jsonl"), $"{Devel}/{Product}", SourcePrefix, _report);
            if (_rollbacks == 0)
                ArchiveCheck.JournalAddsOnce(Path.Combine(repos, "db", Testing, Product, "journal.jsonl"), $"{Testing}/{Product}", SourcePrefix, _report);
        }

        /// <summary>Each outcome mailed at least once; a mail sent again for the same event carries the same Message-Id (marked).</summary>
        private async Task CheckMailsAsync(List<(PlannedUpload Upload, string Id, string Subject)> expected)
        {
            var until = DateTime.UtcNow.AddSeconds(90);
            List<(PlannedUpload Upload, string Id, string Subject)> missing;
            IReadOnlyList<MimeMessage> messages;
            while (true)
            {
                // The run's uploads' mails (a shared cluster also holds other tests').
                messages = target.Mails().Where(m => m.Headers["X-Autobuilder-Upload"] is not { } upload || upload.Contains("/" + SourcePrefix, StringComparison.Ordinal)).ToList();
                var got = messages.Select(m => (Id: m.Headers["X-Autobuilder-Upload"] ?? "", Subject: m.Subject ?? "")).ToList();
                missing = expected.Where(e => !got.Any(g => g.Id == e.Id && g.Subject.Contains(e.Subject, StringComparison.Ordinal))).ToList();
                if (missing.Count == 0 || DateTime.UtcNow > until)
                    break;
                await Task.Delay(500);
            }
            foreach (var m in missing)
                _report.Failures.Add($"{m.Upload} ({m.Id}): no mail saying \"{m.Subject}\"");
            _report.Mails = messages.Count;
            _report.DuplicateMailsMarked = messages.GroupBy(m => m.MessageId).Sum(g => g.Count() - 1);
            // The same words for the same upload under different Message-Ids: a repeat nobody can tell from a new event.
            var unmarked = messages.GroupBy(m => (m.Headers["X-Autobuilder-Upload"], m.Subject, m.TextBody))
                .Where(g => g.Select(m => m.MessageId).Distinct().Count() > 1).ToList();
            _report.DuplicateMailsUnmarked = unmarked.Sum(g => g.Select(m => m.MessageId).Distinct().Count() - 1);
            foreach (var g in unmarked)
                _report.Failures.Add($"mail \"{g.Key.Subject}\" for {g.Key.Item1} sent {g.Count()} times under different Message-Ids (duplicate not marked)");
        }
    }
}
