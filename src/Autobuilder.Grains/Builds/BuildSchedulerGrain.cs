using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Builds;

/// <summary>
/// Gives waiting builds to free builder slots (ARCHITECTURE.md §3). Its state is a cache of what
/// the uploads and slots hold durably: after a restart it asks them again (uploads re-queue their
/// waiting builds, slots announce themselves), so a dispatch costs no disk write. It never awaits
/// another grain: everything it sends is one-way.
/// </summary>
[RolePlacement(SiloRoles.Garage)]
public sealed partial class BuildSchedulerGrain(
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<BuildSchedulerGrain> logger) : Grain, IBuildSchedulerGrain
{
    private sealed class SlotEntry
    {
        public required SlotStatus Status;
        public string? RunningBuild;
        public int RunningAttempt;
        public DateTimeOffset LeaseUntil;
        public bool LeaseLost;
    }

    private sealed record Running(QueuedBuild Build, string Slot, DateTimeOffset Since);

    private readonly AutobuilderOptions _options = options.Value;
    private readonly BuildQueue _queue = new();
    private readonly Dictionary<string, SlotEntry> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _idle = new(StringComparer.Ordinal);
    private long _dispatched;
    private bool _started;
    private IReadOnlyList<string> _products = [];

    private TimeSpan Lease => TimeSpan.FromSeconds(_options.LeaseSeconds);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Lease checks; KeepAlive so the queue (a cache) is not dropped while idle.
        this.RegisterGrainTimer(CheckLeasesAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.FromSeconds(1),
            Period = TimeSpan.FromSeconds(Math.Clamp(_options.LeaseSeconds / 4, 0.2, 5)),
            KeepAlive = true,
        });
        return Task.CompletedTask;
    }

    Task IBuildSchedulerGrain.StartAsync(IReadOnlyList<string> products)
    {
        if (_started)
            return Task.CompletedTask;
        _started = true;
        _products = products;
        foreach (var product in products)
            _ = GrainFactory.GetGrain<IUploadRegistryGrain>(product).ResumeActiveAsync();
        foreach (var slot in SlotConfigs.FromOptions(_options))
            _ = GrainFactory.GetGrain<IBuilderSlotGrain>(slot.Key).AnnounceAsync();
        return Task.CompletedTask;
    }

    Task IBuildSchedulerGrain.EnqueueAsync(IReadOnlyList<QueuedBuild> builds)
    {
        foreach (var b in builds)
        {
            if (_running.TryGetValue(b.Build.Id, out var running) && running.Build.Attempt >= b.Attempt)
                continue;
            if (_queue.TryGet(b.Build.Id, out var queued) && queued.Attempt >= b.Attempt)
                continue;
            _queue.Add(b);
        }
        Dispatch();
        return Task.CompletedTask;
    }

    Task IBuildSchedulerGrain.DropAsync(string uploadId)
    {
        _queue.RemoveUpload(uploadId);
        return Task.CompletedTask;
    }

    Task IBuildSchedulerGrain.SlotChangedAsync(SlotStatus status)
    {
        var entry = Upsert(status);
        if (status.CurrentBuild is null && entry.RunningBuild is { } lost && _running.TryGetValue(lost, out var r) && r.Slot == status.Slot)
        {
            // The slot says it runs nothing: the attempt we gave it ended without a report reaching
            // us. The slot has told the upload, which queues the build again.
            _running.Remove(lost);
        }
        if (status.CurrentBuild is null)
            entry.RunningBuild = null;
        Dispatch();
        return Task.CompletedTask;
    }

    Task IBuildSchedulerGrain.SlotRemovedAsync(string slot)
    {
        _slots.Remove(slot);
        _idle.Remove(slot);
        return Task.CompletedTask;
    }

    Task IBuildSchedulerGrain.HeartbeatAsync(string slot, string buildId, int attempt)
    {
        if (_slots.TryGetValue(slot, out var entry) && entry.RunningBuild == buildId && entry.RunningAttempt == attempt && !entry.LeaseLost)
        {
            entry.LeaseUntil = time.GetUtcNow() + Lease;
            entry.Status = entry.Status with { LastHeartbeat = time.GetUtcNow() };
        }
        return Task.CompletedTask;
    }

    Task IBuildSchedulerGrain.AttemptEndedAsync(string slot, string buildId, int attempt, SlotStatus status)
    {
        if (_running.TryGetValue(buildId, out var r) && r.Slot == slot && r.Build.Attempt == attempt)
        {
            _running.Remove(buildId);
            if (status.Reason == SlotRefusal)
            {
                // The slot was not free after all; the build goes back to the head of its line.
                _queue.Add(r.Build);
            }
        }
        var entry = Upsert(status);
        if (entry.RunningBuild == buildId)
            entry.RunningBuild = null;
        Dispatch();
        return Task.CompletedTask;
    }

    Task IBuildSchedulerGrain.SlotsDownAsync(IReadOnlyList<string> slots, string reason)
    {
        foreach (var slot in slots)
        {
            if (!_slots.TryGetValue(slot, out var entry))
                continue;
            _idle.Remove(slot);
            entry.Status = entry.Status with { State = SlotState.Offline, Reason = reason };
        }
        return Task.CompletedTask;
    }

    /// <summary>The reason a slot gives when it refuses an assignment because it is not idle.</summary>
    public const string SlotRefusal = "refused: not idle";

    Task<SchedulerStatus> IBuildSchedulerGrain.GetStatusAsync() =>
        Task.FromResult(Status(_queue.InOrder().Select(q => new QueueEntry(q.Build.Id, q.Build.Architecture, q.Build.Priority, q.Attempt, q.Build.QueuedAt, null)).ToList()));

    Task<SchedulerStatus> IBuildSchedulerGrain.GetQueueAsync() => Task.FromResult(Status(WaitingWithReasons()));

    private SchedulerStatus Status(List<QueueEntry> waiting)
    {
        var running = _running.Values.OrderBy(r => r.Since)
            .Select(r => new QueueEntry(r.Build.Build.Id, r.Build.Build.Architecture, r.Build.Build.Priority, r.Build.Attempt, r.Build.Build.QueuedAt, r.Slot)).ToList();
        var slots = _slots.Values.Select(e => e.Status).OrderBy(s => s.Slot, StringComparer.Ordinal).ToList();
        return new SchedulerStatus(waiting, running, slots, _dispatched, _products, Uploads.Checks.UploaderWarnings.Of(_options));
    }

    Task IBuildSchedulerGrain.RescoreAsync(string uploadId, int priority)
    {
        if (_queue.RescoreUpload(uploadId, priority) > 0)
            Dispatch();
        return Task.CompletedTask;
    }

    /// <summary>The waiting builds in order, each with why it waits, from the slot table as it is now.</summary>
    private List<QueueEntry> WaitingWithReasons()
    {
        var reasons = new WaitReasons([.. _slots.Values.Select(e => new WaitReasons.Slot(e.Status.Slot, e.LeaseLost ? SlotState.Offline : e.Status.State,
            e.Status.Architectures, _idle.Contains(e.Status.Slot), e.Status.Reason))]);
        var ahead = new Dictionary<string, int>(StringComparer.Ordinal);
        var waiting = new List<QueueEntry>(_queue.Count);
        var full = DiskUnderReserve();
        foreach (var q in _queue.InOrder())
        {
            var before = ahead.GetValueOrDefault(q.Build.Architecture);
            ahead[q.Build.Architecture] = before + 1;
            var (kind, reason) = full is { } disk ? (WaitKind.DiskUnderReserve, disk.Reason) : reasons.Of(q, before);
            waiting.Add(new QueueEntry(q.Build.Id, q.Build.Architecture, q.Build.Priority, q.Attempt, q.Build.QueuedAt, null, reason, kind));
        }
        return waiting;
    }

    private SlotEntry Upsert(SlotStatus status)
    {
        if (!_slots.TryGetValue(status.Slot, out var entry))
            _slots[status.Slot] = entry = new SlotEntry { Status = status };
        entry.Status = status;
        entry.LeaseLost = false;
        var free = status.State == SlotState.Idle && status.CurrentBuild is null;
        if (free)
            _idle.Add(status.Slot);
        else
            _idle.Remove(status.Slot);
        if (status.CurrentBuild is not null)
        {
            entry.RunningBuild = status.CurrentBuild;
            entry.RunningAttempt = status.Attempt;
            entry.LeaseUntil = time.GetUtcNow() + Lease;
        }
        return entry;
    }

    private void Dispatch()
    {
        if (_queue.Count == 0 || _idle.Count == 0)
            return;
        // A build writes its results and logs into the data root: under the reserve it waits in the
        // queue (with that reason), and the lease timer's next Dispatch starts it once space returns.
        if (DiskUnderReserve() is not null)
            return;
        foreach (var slot in _idle.ToList())
        {
            var entry = _slots[slot];
            var next = _queue.Best(slot, entry.Status.Architectures, NoOtherSlotCanRun);
            if (next is null)
                continue;
            _queue.Remove(next.Build.Id);
            var now = time.GetUtcNow();
            _running[next.Build.Id] = new Running(next, slot, now);
            _idle.Remove(slot);
            entry.RunningBuild = next.Build.Id;
            entry.RunningAttempt = next.Attempt;
            entry.LeaseUntil = now + Lease;
            entry.Status = entry.Status with { State = SlotState.Busy, CurrentBuild = next.Build.Id, Attempt = next.Attempt, LastHeartbeat = now };
            _dispatched++;
            _ = GrainFactory.GetGrain<IBuilderSlotGrain>(slot).StartAsync(new BuildAssignment(next.Build, next.Attempt, slot));
            if (_queue.Count == 0)
                break;
        }
    }

    /// <summary>The data root's space when it is under its reserve; null when builds may start (or no silo service measures it).</summary>
    private DiskSpace? DiskUnderReserve() =>
        ServiceProvider.GetService(typeof(Services.IDiskReserve)) is Services.IDiskReserve disk && disk.Now() is { UnderReserve: true } space ? space : null;

    private bool NoOtherSlotCanRun(QueuedBuild build) =>
        !_slots.Values.Any(s => s.Status.State != SlotState.Offline && !s.LeaseLost
            && !build.AvoidSlots.Contains(s.Status.Slot)
            && s.Status.Architectures.Contains(build.Build.Architecture));

    private Task CheckLeasesAsync()
    {
        var now = time.GetUtcNow();
        foreach (var (buildId, running) in _running.ToList())
        {
            // A slot removed from the table cannot heartbeat any more: its build is lost too.
            var entry = _slots.GetValueOrDefault(running.Slot);
            if (entry is not null && entry.LeaseUntil > now)
                continue;
            _running.Remove(buildId);
            var reason = $"no heartbeat from {running.Slot} for {_options.LeaseSeconds:0.#} s";
            if (entry is not null)
            {
                entry.LeaseLost = true;
                entry.RunningBuild = null;
                entry.Status = entry.Status with { State = SlotState.Offline, CurrentBuild = null, Reason = reason };
            }
            _idle.Remove(running.Slot);
            LogLeaseLost(logger, buildId, running.Build.Attempt, running.Slot);
            _ = GrainFactory.GetGrain<IUploadGrain>(running.Build.Build.UploadId).BuildLostAsync(buildId, running.Build.Attempt, running.Slot, reason);
        }
        Dispatch();
        PublishMetrics();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of {BuildId} attempt {Attempt} on {Slot} expired; the build goes back to the queue")]
    private static partial void LogLeaseLost(ILogger logger, string buildId, int attempt, string slot);
}
