using Autobuilder.Grains.Uploads;
using Autobuilder.Grains.Builds;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Slots;

/// <summary>
/// A builder slot (ARCHITECTURE.md §3): one build at a time through its executor. The build runs
/// off the grain's turn; its end comes back as a call to <see cref="IBuilderSlotGrain.CompleteAsync"/>
/// (or <see cref="IBuilderSlotGrain.HostLostAsync"/> when the host stopped answering). While idle
/// or offline it probes its host, also off the grain's turn, so a dead host is Offline before a
/// build is given to it and comes back by itself. Placed on the builder silo of its own host: its
/// builds run there.
/// </summary>
[RolePlacement(SiloRoles.Builder, onKeyHost: true)]
public sealed partial class BuilderSlotGrain(
    [PersistentState("slot", "state")] IPersistentState<BuilderSlotGrainState> state,
    IBuildExecutorFactory executors,
    SiloIncarnation incarnation,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<BuilderSlotGrain> logger) : Grain, IBuilderSlotGrain
{
    private BuilderSlotGrainState S => state.State;
    private string Key => this.GetPrimaryKeyString();
    private AutobuilderOptions Options => options.Value;
    private IGrainTimer? _heartbeat;
    private IGrainTimer? _probe;
    private bool _probing;
    private DateTimeOffset? _lastHeartbeat;
    private CancellationTokenSource? _cancel;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Config is not null)
            StartProbing(TimeSpan.FromSeconds(Options.ProbeSeconds));
        return Task.CompletedTask;
    }

    async Task IBuilderSlotGrain.ConfigureAsync(SlotConfig config)
    {
        S.Config = config;
        if (S.Current is { } cut && S.Incarnation != incarnation.Id)
        {
            // The process that ran this build is gone (the silo restarted): whatever it left behind
            // is not a result. Report it so the upload builds it again.
            await EndAsync(new BuildResult(cut.Build.Id, cut.Attempt, Key, BuildOutcome.InfrastructureError,
                "the builder's silo restarted during the build", [], "", "", [], S.Started ?? time.GetUtcNow(), time.GetUtcNow()) { LostWithSilo = true }, hostLost: null);
            await state.WriteStateAsync();
            StartProbing(TimeSpan.Zero);
            return;
        }
        await state.WriteStateAsync();
        Announce();
        // At once: a host that is down at start must be Offline before a build is given to it.
        StartProbing(TimeSpan.Zero);
    }

    Task IBuilderSlotGrain.AnnounceAsync()
    {
        if (S.Config is not null)
            Announce();
        return Task.CompletedTask;
    }

    async Task IBuilderSlotGrain.StartAsync(BuildAssignment assignment)
    {
        if (S.Current?.Build.Id == assignment.Build.Id && S.Current.Attempt == assignment.Attempt)
            return;
        if (S.Config is null || S.Current is not null || S.Draining || S.HostDown is not null || S.Held is not null)
        {
            await Scheduler.AttemptEndedAsync(Key, assignment.Build.Id, assignment.Attempt, Status() with { Reason = BuildSchedulerGrain.SlotRefusal });
            // The scheduler may already have forgotten this dispatch (our own "running nothing"
            // announcement can overtake it); the upload still holds the build as waiting and
            // queues it again. A build the scheduler still holds is not queued twice.
            await Upload(assignment).ResumeAsync();
            return;
        }
        // Not written to disk: a dispatch costs no write here. After a crash the upload, which
        // recorded the start itself, asks whether this attempt still runs (IsRunningAsync).
        S.Current = assignment;
        S.Incarnation = incarnation.Id;
        S.Started = time.GetUtcNow();
        LogStarted(logger, assignment.Build.Id, assignment.Attempt, Key);

        var executor = executors.Create(S.Config);
        _cancel = new CancellationTokenSource();
        var token = _cancel.Token;
        var self = this.AsReference<IBuilderSlotGrain>();
        var started = S.Started.Value;
        // Off the grain's turn: a build takes minutes, and the grain must keep answering meanwhile.
        _ = Task.Run(async () =>
        {
            try
            {
                var result = await executor.RunAsync(assignment, null, token);
                await self.CompleteAsync(result);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // An executor that could only give up (it returns a Cancelled result when it can).
                await self.CompleteAsync(new BuildResult(assignment.Build.Id, assignment.Attempt, Key, BuildOutcome.Cancelled,
                    "cancelled", [], "", "", [], started, DateTimeOffset.UtcNow));
            }
            catch (HostUnreachableException ex)
            {
                await self.HostLostAsync(new BuildResult(assignment.Build.Id, assignment.Attempt, Key, BuildOutcome.InfrastructureError,
                    ex.Message, [], "", "", [], started, DateTimeOffset.UtcNow));
            }
            catch (Exception ex)
            {
                await self.CompleteAsync(new BuildResult(assignment.Build.Id, assignment.Attempt, Key, BuildOutcome.InfrastructureError,
                    $"executor failed: {ex.Message}", [], "", "", [], started, DateTimeOffset.UtcNow));
            }
        }, CancellationToken.None);

        _lastHeartbeat = time.GetUtcNow();
        _heartbeat?.Dispose();
        _heartbeat = this.RegisterGrainTimer(HeartbeatAsync, new GrainTimerCreationOptions
        {
            // The lease began at dispatch; the first heartbeat is due one period later.
            DueTime = TimeSpan.FromSeconds(Options.HeartbeatSeconds),
            Period = TimeSpan.FromSeconds(Options.HeartbeatSeconds),
            KeepAlive = true,
        });
        await Upload(assignment).BuildStartedAsync(assignment);
    }

    Task IBuilderSlotGrain.CancelAsync(string buildId, int attempt, string reason)
    {
        if (S.Current is { } current && current.Build.Id == buildId && current.Attempt == attempt && _cancel is { IsCancellationRequested: false } cancel)
        {
            LogCancelling(logger, buildId, attempt, Key, reason);
            cancel.Cancel();
        }
        return Task.CompletedTask;
    }

    async Task IBuilderSlotGrain.CompleteAsync(BuildResult result)
    {
        if (!IsCurrent(result))
        {
            await ForwardUnclaimedAsync(result);
            return;
        }
        await EndAsync(result, hostLost: null);
    }

    async Task IBuilderSlotGrain.HostLostAsync(BuildResult result)
    {
        if (!IsCurrent(result))
        {
            await ForwardUnclaimedAsync(result);
            return;
        }
        LogHostLost(logger, Key, result.Summary);
        await EndAsync(result, hostLost: result.Summary);
    }

    private bool IsCurrent(BuildResult result) =>
        S.Current is { } current && current.Build.Id == result.BuildId && current.Attempt == result.Attempt;

    /// <summary>
    /// A build this activation did not start ended (the slot's activation was replaced while it
    /// ran: the running build is not kept on disk). Its upload decides whether the result still
    /// counts, and the scheduler learns the slot is there, so a slot it had written off comes back.
    /// </summary>
    private async Task ForwardUnclaimedAsync(BuildResult result)
    {
        try
        {
            await GrainFactory.GetGrain<IUploadGrain>(UploadIds.UploadOfBuild(result.BuildId)).BuildFinishedAsync(result);
        }
        catch (Exception ex)
        {
            LogReportFailed(logger, result.BuildId, Key, ex);
            ReportLater(result, ex);
        }
        if (S.Config is not null)
            await Scheduler.AttemptEndedAsync(Key, result.BuildId, result.Attempt, Status());
    }

    private async Task EndAsync(BuildResult result, string? hostLost)
    {
        var assignment = S.Current!;
        _heartbeat?.Dispose();
        _heartbeat = null;
        _cancel = null;
        S.Current = null;
        S.Started = null;
        var before = (S.ConsecutiveFailures, S.HostDown, S.Held);
        bool accepted;
        try
        {
            // The upload first: until it has the result, the build stays remembered here, so a
            // crash in between reports it again rather than losing it.
            accepted = await Upload(assignment).BuildFinishedAsync(result);
        }
        catch (Exception ex)
        {
            // The upload may not have the result (the garage or its database away) or may hold it
            // only in memory: the report is made again until the upload answers; the slot is free
            // all the same.
            LogReportFailed(logger, result.BuildId, Key, ex);
            ReportLater(result, ex);
            accepted = true;
        }
        // A result the upload did not want (an attempt that had already ended, remembered across a
        // restart) says nothing about this slot.
        // A cancelled build says nothing about the slot either.
        // Nor does a build lost with the silo that ran it (a restart is not the slot's failure).
        if (accepted && result.Outcome != BuildOutcome.Cancelled && !result.LostWithSilo)
            S.ConsecutiveFailures = result.Outcome == BuildOutcome.InfrastructureError ? S.ConsecutiveFailures + 1 : 0;
        if (hostLost is not null)
            S.HostDown = hostLost;
        if (S.ConsecutiveFailures >= Options.MaxConsecutiveSlotFailures && S.Held is null)
        {
            // Something is wrong with this slot itself (a broken host, a full disk): stop feeding it
            // builds until someone has looked.
            S.Held = $"{S.ConsecutiveFailures} builds in a row ended in infrastructure errors (last: {result.Summary}); " +
                $"'autobuilder builders enable {Key}' brings it back";
            LogHeld(logger, Key, S.ConsecutiveFailures);
        }
        // The end of an ordinary build changes nothing a restart needs: no disk write.
        if ((S.ConsecutiveFailures, S.HostDown, S.Held) != before)
            await TryWriteStateAsync();
        RecordHistory(assignment, result);
        LogEnded(logger, result.BuildId, result.Attempt, Key, result.Outcome);
        await Scheduler.AttemptEndedAsync(Key, result.BuildId, result.Attempt, Status());
    }

    async Task IBuilderSlotGrain.DrainAsync()
    {
        S.Draining = true;
        await state.WriteStateAsync();
        Announce();
    }

    async Task IBuilderSlotGrain.EnableAsync()
    {
        S.Draining = false;
        S.Held = null;
        S.ConsecutiveFailures = 0;
        await state.WriteStateAsync();
        Announce();
        if (S.HostDown is not null)
            StartProbing(TimeSpan.Zero);
    }

    async Task<string?> IBuilderSlotGrain.RemoveAsync()
    {
        if (S.Current is { } current)
            return $"slot {Key} is running {current.Build.Id} (attempt {current.Attempt}); drain it first ('autobuilder builders drain {Key}') and remove it once its build has ended";
        _probe?.Dispose();
        _probe = null;
        await state.ClearStateAsync();
        await Scheduler.SlotRemovedAsync(Key);
        DeactivateOnIdle();
        return null;
    }

    Task<SlotStatus> IBuilderSlotGrain.GetStatusAsync() => Task.FromResult(Status());

    Task<bool> IBuilderSlotGrain.IsRunningAsync(string buildId, int attempt) =>
        Task.FromResult(S.Current is { } current && current.Build.Id == buildId && current.Attempt == attempt);

    private Task HeartbeatAsync()
    {
        if (S.Current is { } current)
        {
            _lastHeartbeat = time.GetUtcNow();
            _ = Scheduler.HeartbeatAsync(Key, current.Build.Id, current.Attempt);
        }
        return Task.CompletedTask;
    }

    private void StartProbing(TimeSpan due)
    {
        _probe?.Dispose();
        _probe = this.RegisterGrainTimer(ProbeAsync, new GrainTimerCreationOptions
        {
            DueTime = due,
            Period = TimeSpan.FromSeconds(Options.ProbeSeconds),
            // A slot must keep probing (and stay in the scheduler's table) while nobody calls it.
            KeepAlive = true,
        });
    }

    private Task ProbeAsync()
    {
        // A running build is its own probe; a held slot waits for an operator.
        if (_probing || S.Config is null || S.Current is not null || S.Held is not null)
            return Task.CompletedTask;
        _probing = true;
        var executor = executors.Create(S.Config);
        var self = this.AsReference<IBuilderSlotGrain>();
        var timeout = TimeSpan.FromSeconds(Options.Ssh.ConnectTimeoutSeconds * 2);
        // Off the grain's turn: a host that does not answer would otherwise block the grain for the
        // whole connect timeout.
        _ = Task.Run(async () =>
        {
            string? problem;
            try
            {
                using var cts = new CancellationTokenSource(timeout);
                problem = await executor.ProbeAsync(cts.Token);
            }
            catch (Exception ex)
            {
                problem = ex.Message;
            }
            await self.ProbeEndedAsync(problem);
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    async Task IBuilderSlotGrain.ProbeEndedAsync(string? problem)
    {
        _probing = false;
        if (S.Config is null)
            return;
        if (problem is null)
        {
            _lastHeartbeat = time.GetUtcNow();
            if (S.HostDown is null)
                return;
            S.HostDown = null;
            await state.WriteStateAsync();
            LogHostBack(logger, Key);
            Announce();
            return;
        }
        if (S.HostDown == problem || S.Current is not null)
            return;
        if (S.HostDown is null)
            LogHostLost(logger, Key, problem);
        S.HostDown = problem;
        await state.WriteStateAsync();
        Announce();
    }

    private void Announce() => _ = Scheduler.SlotChangedAsync(Status());

    private SlotStatus Status()
    {
        var (state, reason) = S.Config is null ? (SlotState.Offline, "not configured")
            : S.Current is not null ? (S.Draining ? SlotState.Draining : SlotState.Busy, S.Draining ? "draining: takes no new build" : null)
            : S.Held is not null ? (SlotState.Offline, $"held for an operator: {S.Held}")
            : S.HostDown is not null ? (SlotState.Offline, $"host down: {S.HostDown}")
            : S.Draining ? (SlotState.Draining, "draining: takes no new build")
            : (SlotState.Idle, (string?)null);
        return new SlotStatus(Key, state, S.Config?.Architectures ?? [], S.Current?.Build.Id, S.Current?.Attempt ?? 0, _lastHeartbeat,
            S.ConsecutiveFailures, reason, S.Config?.Where, [.. S.History]);
    }

    private IBuildSchedulerGrain Scheduler => GrainFactory.GetGrain<IBuildSchedulerGrain>(0);
    private IUploadGrain Upload(BuildAssignment a) => GrainFactory.GetGrain<IUploadGrain>(a.Build.UploadId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} attempt {Attempt} started on {Slot}")]
    private static partial void LogStarted(ILogger logger, string buildId, int attempt, string slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} attempt {Attempt} on {Slot}: stopping it ({Reason})")]
    private static partial void LogCancelling(ILogger logger, string buildId, int attempt, string slot, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{BuildId}: the upload failed to take the result from {Slot}")]
    private static partial void LogReportFailed(ILogger logger, string buildId, string slot, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} attempt {Attempt} on {Slot} ended: {Outcome}")]
    private static partial void LogEnded(ILogger logger, string buildId, int attempt, string slot, BuildOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot {Slot} is offline: its host does not answer: {Problem}")]
    private static partial void LogHostLost(ILogger logger, string slot, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slot {Slot}: its host answers again; back to idle")]
    private static partial void LogHostBack(ILogger logger, string slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot {Slot} held offline for an operator after {Failures} infrastructure failures in a row")]
    private static partial void LogHeld(ILogger logger, string slot, int failures);
}
