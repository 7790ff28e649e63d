using Autobuilder.Grains.Builds;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Slots;

/// <summary>
/// A builder slot (ARCHITECTURE.md §3): one build at a time through its executor. The build runs
/// off the grain's turn; its end comes back as a call to <see cref="IBuilderSlotGrain.CompleteAsync"/>.
/// Placed on the builder silo of its own host: its builds run there.
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
    private IGrainTimer? _heartbeat;
    private DateTimeOffset? _lastHeartbeat;
    private CancellationTokenSource? _cancel;

    async Task IBuilderSlotGrain.ConfigureAsync(SlotConfig config)
    {
        S.Config = config;
        if (S.Current is { } cut && S.Incarnation != incarnation.Id)
        {
            // The process that ran this build is gone (the silo restarted): whatever it left behind
            // is not a result. Report it so the upload builds it again.
            await EndAsync(new BuildResult(cut.Build.Id, cut.Attempt, Key, BuildOutcome.InfrastructureError,
                "the builder's silo restarted during the build", [], "", "", [], S.Started ?? time.GetUtcNow(), time.GetUtcNow()));
            return;
        }
        await state.WriteStateAsync();
        Announce();
    }

    Task IBuilderSlotGrain.AnnounceAsync()
    {
        Announce();
        return Task.CompletedTask;
    }

    async Task IBuilderSlotGrain.StartAsync(BuildAssignment assignment)
    {
        if (S.Current?.Build.Id == assignment.Build.Id && S.Current.Attempt == assignment.Attempt)
            return;
        if (S.Config is null || S.Current is not null || S.Draining)
        {
            await Scheduler.AttemptEndedAsync(Key, assignment.Build.Id, assignment.Attempt, Status() with { Reason = BuildSchedulerGrain.SlotRefusal });
            // The scheduler may already have forgotten this dispatch (our own "running nothing"
            // announcement can overtake it); the upload still holds the build as waiting and
            // queues it again. A build the scheduler still holds is not queued twice.
            await Upload(assignment).ResumeAsync();
            return;
        }
        S.Current = assignment;
        S.Incarnation = incarnation.Id;
        S.Started = time.GetUtcNow();
        await state.WriteStateAsync();
        LogStarted(logger, assignment.Build.Id, assignment.Attempt, Key);

        var executor = executors.Create(S.Config);
        _cancel = new CancellationTokenSource();
        var token = _cancel.Token;
        var self = this.AsReference<IBuilderSlotGrain>();
        var started = S.Started.Value;
        // Off the grain's turn: a build takes minutes, and the grain must keep answering meanwhile.
        _ = Task.Run(async () =>
        {
            BuildResult result;
            try
            {
                result = await executor.RunAsync(assignment, null, token);
            }
            catch (Exception ex)
            {
                result = new BuildResult(assignment.Build.Id, assignment.Attempt, Key, BuildOutcome.InfrastructureError,
                    $"executor failed: {ex.Message}", [], "", "", [], started, DateTimeOffset.UtcNow);
            }
            await self.CompleteAsync(result);
        }, CancellationToken.None);

        _lastHeartbeat = time.GetUtcNow();
        _heartbeat?.Dispose();
        _heartbeat = this.RegisterGrainTimer(HeartbeatAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds),
            KeepAlive = true,
        });
        await Upload(assignment).BuildStartedAsync(assignment);
    }

    async Task IBuilderSlotGrain.CompleteAsync(BuildResult result)
    {
        if (S.Current is not { } current || current.Build.Id != result.BuildId || current.Attempt != result.Attempt)
            return;
        await EndAsync(result);
    }

    private async Task EndAsync(BuildResult result)
    {
        var assignment = S.Current!;
        _heartbeat?.Dispose();
        _heartbeat = null;
        _cancel = null;
        S.Current = null;
        S.Started = null;
        S.ConsecutiveFailures = result.Outcome == BuildOutcome.InfrastructureError ? S.ConsecutiveFailures + 1 : 0;
        await state.WriteStateAsync();
        LogEnded(logger, result.BuildId, result.Attempt, Key, result.Outcome);
        await Upload(assignment).BuildFinishedAsync(result);
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
        await state.WriteStateAsync();
        Announce();
    }

    Task<SlotStatus> IBuilderSlotGrain.GetStatusAsync() => Task.FromResult(Status());

    private Task HeartbeatAsync()
    {
        if (S.Current is { } current)
        {
            _lastHeartbeat = time.GetUtcNow();
            _ = Scheduler.HeartbeatAsync(Key, current.Build.Id, current.Attempt);
        }
        return Task.CompletedTask;
    }

    private void Announce() => _ = Scheduler.SlotChangedAsync(Status());

    private SlotStatus Status()
    {
        var state = S.Config is null ? SlotState.Offline
            : S.Current is not null ? (S.Draining ? SlotState.Draining : SlotState.Busy)
            : S.Draining ? SlotState.Draining : SlotState.Idle;
        return new SlotStatus(Key, state, S.Config?.Architectures ?? [], S.Current?.Build.Id, S.Current?.Attempt ?? 0, _lastHeartbeat,
            S.ConsecutiveFailures, S.Config is null ? "not configured" : null);
    }

    private IBuildSchedulerGrain Scheduler => GrainFactory.GetGrain<IBuildSchedulerGrain>(0);
    private IUploadGrain Upload(BuildAssignment a) => GrainFactory.GetGrain<IUploadGrain>(a.Build.UploadId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} attempt {Attempt} started on {Slot}")]
    private static partial void LogStarted(ILogger logger, string buildId, int attempt, string slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} attempt {Attempt} on {Slot} ended: {Outcome}")]
    private static partial void LogEnded(ILogger logger, string buildId, int attempt, string slot, BuildOutcome outcome);
}
