using Autobuilder.Grains.Security;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Autobuilder.Grains.Uploads.Checks;
using Autobuilder.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Uploads;

/// <summary>
/// The state machine of one upload (ARCHITECTURE.md §3–4). Decisions live here; reading files,
/// building and mailing go through the injected services.
/// </summary>
[RolePlacement(SiloRoles.Garage)]
public sealed partial class UploadGrain(
    [PersistentState("upload", "state")] IPersistentState<UploadGrainState> state,
    IUploadInspector inspector,
    IResultHandoff handoff,
    IBuildLogs logs,
    IBuildDiagnosis diagnosis,
    UploadMailer mailer,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<UploadGrain> logger) : Grain, IUploadGrain
{
    private readonly AutobuilderOptions _options = options.Value;
    private UploadGrainState S => state.State;
    private string Id => this.GetPrimaryKeyString();
    private IGrainTimer? _mailRetry;

    async Task IUploadGrain.ReceiveAsync(UploadReceived received)
    {
        if (S.Ticket is not null)
        {
            // Intake may deliver the same ticket again after a restart; carry on where we stopped.
            await ContinueAsync();
            return;
        }
        S.Ticket = received.Ticket;
        S.Product = received.Product;
        S.ReceivedAt = received.ReceivedAt;
        S.Origin = received.Origin;
        var parts = Id.Split('/');
        var nameVersion = parts.Length == 3 ? parts[1] : Id;
        var underscore = nameVersion.IndexOf('_');
        S.Source = underscore > 0 ? nameVersion[..underscore] : nameVersion;
        S.Version = underscore > 0 ? nameVersion[(underscore + 1)..] : "";
        S.DscFileName = $"{nameVersion}.dsc";
        // Written with the verification's outcome, not before: a crash in between leaves the
        // ticket undelivered, and intake delivers it again.
        RecordTransition(UploadState.Received, $"received {S.DscFileName} for {received.Product} (intake ticket {received.Ticket})");
        await ContinueAsync();
    }

    async Task IUploadGrain.ResumeAsync()
    {
        await ContinueAsync();
        // The registry's copy is written after the upload's own state: a kill between the two left
        // a rejection mailed (so settled) listed as unsettled for good, since nothing more was owed
        // and so nothing wrote again. A resume hands the registry the upload's own view.
        if (S.Product is { Length: > 0 })
            await Registry.UpdateAsync(Snapshot());
    }

    /// <summary>Does whatever the current state still owes; safe to call any number of times.</summary>
    private async Task ContinueAsync()
    {
        switch (S.State)
        {
            case UploadState.Received:
                await VerifyAsync();
                break;
            case UploadState.Rejected:
                await FinishRejectionAsync();
                break;
            case UploadState.Verified:
            case UploadState.Queued:
            case UploadState.Building:
                await RecoverLostBuildsAsync();
                await EnqueueWaitingBuildsAsync();
                // Every build ended, but the step that records that (settle, then finish) did not
                // get through: a crash or a failed write between the last result and its settling.
                if (S.Builds.Count > 0 && S.Builds.All(b => b.State == BuildState.Finished))
                {
                    await SettleIfAllFinishedAsync();
                    await FinishAsync();
                }
                break;
            case UploadState.Built:
            case UploadState.Failed:
            case UploadState.DepWait:
            case UploadState.Cancelled:
            case UploadState.Publishing:
            case UploadState.Published:
            case UploadState.StageRejected:
                await FinishAsync();
                break;
        }
    }

    private async Task VerifyAsync()
    {
        var inspection = await inspector.InspectAsync(S.Product, S.Ticket!);
        S.Folder = inspection.Folder ?? "";
        if (inspection.DscFileName is not null)
            S.DscFileName = inspection.DscFileName;
        S.Uploader = inspection.Uploader;
        S.Files = [.. inspection.Files];
        S.Origin ??= inspection.Origin ?? new UploadOrigin(UploadChannel.Local, null);
        S.ChangesFileName = inspection.Changes?.FileName;
        if (inspection.Source is not null)
            S.Source = inspection.Source;
        if (inspection.Version is not null)
            S.Version = inspection.Version;

        // One ordered list decides (Autobuilder.Acceptance): files, .dsc, product, architectures, .changes, signer, rights, version.
        var verdict = await SourceAcceptance.CheckAsync(GrainFactory, _options, inspection, Id, S.Product, S.DscFileName, S.Origin, time.GetUtcNow());
        S.Identity = verdict.Identity;
        S.Rejections = [.. verdict.Rejections];
        S.AccountEmail = verdict.AccountEmail ?? S.AccountEmail;
        var problems = verdict.Rejections.Select(r => r.Reason).ToList();
        var plan = problems.Count == 0 ? BuildPlan.For(inspection.ArchitectureField ?? "", _options.Architectures, out _) : [];

        if (problems.Count > 0)
        {
            S.Problems = problems;
            CountRejections(verdict.Rejections);
            await TransitionAsync(UploadState.Rejected, string.Join("; ", problems), outcome: UploadState.Rejected);
            await FinishRejectionAsync();
            return;
        }

        S.Builds = plan.Select(p => new BuildRecord { Architecture = p.Architecture, Type = p.Type, State = BuildState.Waiting }).ToList();
        // Verified and Queued are written once, together with Received: one durable write per upload.
        RecordTransition(UploadState.Verified,
            $"all {S.Files.Count} files intact; uploader: {S.Identity?.How ?? "not verified"}; builds: {string.Join(", ", S.Builds.Select(b => $"{b.Architecture} ({b.Type.ToString().ToLowerInvariant()})"))}");
        if (_options.SupersedeOlderUploads)
            await SupersedeOlderAsync();
        await EnqueueWaitingBuildsAsync();
        await TransitionAsync(UploadState.Queued, $"{S.Builds.Count} build(s) queued");
    }

    private async Task FinishRejectionAsync()
    {
        if (S.RejectedFolder is null)
        {
            S.RejectedFolder = await inspector.RejectAsync(S.Product, S.Ticket!, Id, SourceAcceptance.Recorded(S.Rejections, S.Problems));
            await WriteAsync();
        }
        if (!S.RejectionMailed && await TryMailAsync("rejection", () => mailer.SendRejectionAsync(Snapshot(), Recipient(), S.RejectedFolder)))
        {
            S.RejectionMailed = true;
            await WriteAsync();
        }
    }

    /// <summary>
    /// A build this upload has as running whose slot no longer runs it (its silo restarted, so
    /// the attempt died with it) is lost: an infrastructure error, retried elsewhere.
    /// </summary>
    private async Task RecoverLostBuildsAsync()
    {
        foreach (var build in S.Builds.Where(b => b.State == BuildState.Running && b.Slot is not null).ToList())
        {
            var buildId = UploadIds.Build(Id, build.Architecture);
            var reason = "the builder's silo restarted during the build";
            var lostWithSilo = true;
            try
            {
                if (await GrainFactory.GetGrain<IBuilderSlotGrain>(build.Slot!).IsRunningAsync(buildId, build.Attempt))
                    continue;
            }
            catch (NoSiloForRoleException ex)
            {
                // In a cluster: no silo runs the slot's host any more, so nothing runs the build.
                reason = ex.Message;
                lostWithSilo = false;
            }
            await OnAttemptEndedAsync(new BuildResult(buildId, build.Attempt, build.Slot!, BuildOutcome.InfrastructureError,
                reason, [], "", "", [], build.Started ?? time.GetUtcNow(), time.GetUtcNow()) { LostWithSilo = lostWithSilo });
        }
    }

    private async Task EnqueueWaitingBuildsAsync()
    {
        var waiting = S.Builds.Where(b => b.State == BuildState.Waiting).Select(ToQueued).ToList();
        if (waiting.Count > 0)
            await Scheduler.EnqueueAsync(waiting);
    }

    private BuildOrigin Origin(BuildRecord b) => new(S.Folder, S.DscFileName, S.Source, S.Version, S.Product, b.Architecture);

    private QueuedBuild ToQueued(BuildRecord b) => new(
        new BuildRequest(UploadIds.Build(Id, b.Architecture), Id, S.Product, S.Source, S.Version, b.Architecture, b.Type,
            Priority, S.ReceivedAt, S.DscFileName, S.Files, S.Folder, _options.BuildLimits.TimeoutFor(S.Product), BuildSourcesOfProduct()),
        b.Attempt, b.FailedSlots);

    async Task IUploadGrain.BuildStartedAsync(BuildAssignment assignment)
    {
        var build = Find(assignment.Build.Id);
        if (build is not null && build.Attempt == assignment.Attempt && build.Outcome == BuildOutcome.Cancelled)
        {
            // Cancelled while the scheduler's dispatch was on its way: the slot started it anyway.
            // One-way, because that slot is waiting on this call.
            _ = GrainFactory.GetGrain<IBuilderSlotGrain>(assignment.Slot).CancelAsync(assignment.Build.Id, assignment.Attempt, build.Summary ?? "cancelled");
            return;
        }
        if (build is null || build.Attempt != assignment.Attempt || build.State == BuildState.Finished)
            return;
        build.State = BuildState.Running;
        build.Slot = assignment.Slot;
        build.Started = time.GetUtcNow();
        await TransitionAsync(UploadState.Building, $"{build.Architecture}: attempt {build.Attempt} started on {assignment.Slot}");
    }

    Task IUploadGrain.BuildLostAsync(string buildId, int attempt, string slot, string reason) =>
        OnAttemptEndedAsync(new BuildResult(buildId, attempt, slot, BuildOutcome.InfrastructureError, reason, [], "", "", [],
            time.GetUtcNow(), time.GetUtcNow()));

    Task<bool> IUploadGrain.BuildFinishedAsync(BuildResult result) => OnAttemptEndedAsync(result);

    private async Task<bool> OnAttemptEndedAsync(BuildResult result)
    {
        var build = Find(result.BuildId);
        // A report for an attempt that is no longer current (a slot that came back after its lease
        // ran out, a repeated message) changes nothing.
        if (build is null || build.Attempt != result.Attempt || build.State == BuildState.Finished)
            return false;

        if (build.CancelRequested is { } cancelled)
        {
            // Whatever the stopped attempt reports (killed, lost with its slot, even done just
            // before the stop arrived), it ends as the operator or the newer upload decided.
            result = result with { Outcome = BuildOutcome.Cancelled, Summary = cancelled, Files = [] };
        }
        else if (result.Outcome == BuildOutcome.Success)
        {
            // What a build leaves is package code's word: files that are not this upload's fail the
            // build (naming them) before anything is queued or a mail says "built".
            var refusals = await handoff.CheckAsync(result.ResultsFolder, Origin(build));
            if (refusals.Count > 0)
                result = result with { Outcome = BuildOutcome.BuildFailed, Summary = $"results refused: {string.Join("; ", refusals)}" };
        }

        if (result.Outcome == BuildOutcome.InfrastructureError)
        {
            // Blame: a build that broke several different slots is likely at fault itself; one
            // slot failing it again and again says more about the slot (which holds itself offline).
            // Errors are counted apart from Attempt: an operator's retry starts a new round.
            // A build lost with the silo that ran it blames no slot; it still counts as an attempt, so
            // a build that takes its silo down every time ends after MaxInfrastructureAttempts.
            build.InfrastructureErrors++;
            if (!result.LostWithSilo && !build.FailedSlots.Contains(result.Slot))
                build.FailedSlots.Add(result.Slot);
            var slots = build.FailedSlots.Count;
            if (slots < _options.MaxInfrastructureSlots && build.InfrastructureErrors < _options.MaxInfrastructureAttempts)
            {
                build.Attempt++;
                build.State = BuildState.Waiting;
                build.Slot = null;
                await TransitionAsync(S.State, result.LostWithSilo
                    ? $"{build.Architecture}: attempt lost with its silo on {result.Slot} ({result.Summary}; not held against the slot); " +
                      $"building again, attempt {build.Attempt} ({build.InfrastructureErrors} of at most {_options.MaxInfrastructureAttempts} attempts lost)"
                    : $"{build.Architecture}: infrastructure error on {result.Slot} ({result.Summary}); " +
                      $"retrying elsewhere, attempt {build.Attempt} (failed on {slots} of at most {_options.MaxInfrastructureSlots} slots)");
                await Scheduler.EnqueueAsync([ToQueued(build)]);
                return true;
            }
        }

        build.State = BuildState.Finished;
        build.Outcome = result.Outcome;
        build.Summary = result.Outcome == BuildOutcome.InfrastructureError
            ? $"{result.Summary} (gave up after {build.InfrastructureErrors} attempts on {build.FailedSlots.Count} slots: {string.Join(", ", build.FailedSlots)})"
            : result.Summary;
        build.Slot = result.Slot;
        build.LogPath = result.LogPath;
        build.ResultsFolder = result.ResultsFolder;
        build.Finished = result.Finished;
        build.MissingDependencies = [.. result.MissingDependencies];
        RecordBuildDuration(build, result);
        if (result.Outcome == BuildOutcome.DepWait)
            await RecordDependencyWaitAsync(build, result);
        await DiagnoseAsync(build);
        // The build's line and, when it was the last build, the upload's outcome: one write.
        RecordTransition(S.State, $"{build.Architecture}: {Describe(build)}");
        if (!await SettleIfAllFinishedAsync())
            await WriteAsync();
        // The result is safe: the slot is answered now, the offers and mails follow in a turn of their own.
        FinishLater();
        return true;
    }

    /// <summary>Records and writes the upload's outcome once every build has finished; false (nothing written) while one still runs or waits.</summary>
    private async Task<bool> SettleIfAllFinishedAsync()
    {
        if (!S.Builds.All(b => b.State == BuildState.Finished))
            return false;
        var outcome = S.Builds.Any(b => b.Outcome is BuildOutcome.BuildFailed or BuildOutcome.BadSource or BuildOutcome.InfrastructureError)
            ? UploadState.Failed
            : S.Builds.Any(b => b.Outcome == BuildOutcome.Cancelled) ? UploadState.Cancelled
            : S.Builds.Any(b => b.Outcome == BuildOutcome.DepWait) ? UploadState.DepWait : UploadState.Built;
        await TransitionAsync(outcome, string.Join("; ", S.Builds.Select(b => $"{b.Architecture}: {Describe(b)}")), outcome);
        return true;
    }

    async Task<string> IUploadGrain.CancelAsync(string reason, string by)
    {
        if (S.Ticket is null)
            return $"no upload {Id}";
        // Who acted is the certificate the silo verified, not what the console says it is.
        by = VerifiedCaller.Name ?? by;
        var why = $"cancelled by {by}: {(reason.Length > 0 ? reason : "no reason given")}";
        var forgotten = await StopDependencyWaitsAsync(why);
        var (dropped, stopping) = await StopBuildsAsync(why, by);
        if (forgotten > 0)
            return $"{Id}: {forgotten} build(s) waiting for build dependencies cancelled, {dropped} queued build(s) cancelled, {stopping} running build(s) being stopped";
        return dropped + stopping == 0
            ? $"{Id} is {S.State}{(S.Outcome is { } o ? $" ({o})" : "")}: no queued or running build to cancel"
            : $"{Id}: {dropped} queued build(s) cancelled, {stopping} running build(s) being stopped";
    }

    async Task IUploadGrain.SupersedeAsync(string newerUploadId, string newerVersion)
    {
        if (S.Ticket is null)
            return;
        await StopDependencyWaitsAsync($"superseded by {newerUploadId} (version {newerVersion} of {S.Source})");
        await StopBuildsAsync($"superseded by {newerUploadId} (version {newerVersion} of {S.Source})", "autobuilder");
    }

    /// <summary>Tells the older, unfinished uploads of this source that this one replaces them.</summary>
    private async Task SupersedeOlderAsync()
    {
        foreach (var older in await Registry.ActiveUploadsOfAsync(S.Source, Id))
            await GrainFactory.GetGrain<IUploadGrain>(older).SupersedeAsync(Id, S.Version);
        // Settled uploads in dep-wait are not among the active ones; the waits know them.
        await DependencyWaits.SupersedeOlderAsync(Id, S.Version);
    }

    /// <summary>
    /// Drops the queued builds (they end Cancelled at once) and asks the slots of the running ones
    /// to stop them (they end Cancelled when the slot reports, or when its lease runs out).
    /// </summary>
    private async Task<(int Dropped, int Stopping)> StopBuildsAsync(string why, string by)
    {
        if (S.State is UploadState.Received or UploadState.Rejected)
            return (0, 0);
        var waiting = S.Builds.Where(b => b.State == BuildState.Waiting).ToList();
        var running = S.Builds.Where(b => b.State == BuildState.Running && b.CancelRequested is null).ToList();
        if (waiting.Count == 0 && running.Count == 0)
            return (0, 0);
        var now = time.GetUtcNow();
        S.CancelReason = why;
        S.CancelledBy = by;
        S.CancelledAt = now;
        // The scheduler forgets them first, so no slot is given one while we record the rest.
        await Scheduler.DropAsync(Id);
        foreach (var b in waiting)
        {
            b.State = BuildState.Finished;
            b.Outcome = BuildOutcome.Cancelled;
            b.Summary = why;
            b.Finished = now;
        }
        foreach (var b in running)
        {
            b.CancelRequested = why;
            _ = GrainFactory.GetGrain<IBuilderSlotGrain>(b.Slot!).CancelAsync(UploadIds.Build(Id, b.Architecture), b.Attempt, why);
        }
        var parts = new List<string>();
        if (waiting.Count > 0)
            parts.Add($"queued {string.Join(", ", waiting.Select(b => b.Architecture))} dropped");
        if (running.Count > 0)
            parts.Add($"running {string.Join(", ", running.Select(b => $"{b.Architecture} on {b.Slot}"))} being stopped");
        await TransitionAsync(S.State, $"{why}: {string.Join("; ", parts)}");
        await SettleIfAllFinishedAsync();
        await FinishAsync();
        return (waiting.Count, running.Count);
    }

    /// <summary>
    /// Offers a built upload to the stage, mails each build's result and the stage's answer, once each.
    /// The offer goes first, so the packages are live without waiting for mail (an SMTP exchange,
    /// the outbox). A mail server that is down holds the mails, not the offer: the results are
    /// published meanwhile, and the mails owed go out when the server is back (its retry timer
    /// calls again); a stage that cannot be reached holds the offer, not the build mails.
    /// </summary>
    private async Task FinishAsync()
    {
        var offered = S.State is not (UploadState.Built or UploadState.Publishing) || await PublishAsync();
        var mailsOwed = false;
        foreach (var build in S.Builds.Where(b => b.State == BuildState.Finished && !b.Mailed))
        {
            var tail = build.LogPath is { Length: > 0 } ? await handoff.LogTailAsync(build.LogPath, _options.MailLogLines) : "";
            if (!await TryMailAsync($"build {build.Architecture}", () => mailer.SendBuildResultAsync(Snapshot(), Recipient(), build.ToProgress(), build.MissingDependencies, tail)))
            {
                mailsOwed = true;
                break;
            }
            build.Mailed = true;
            await WriteAsync();
        }
        if (!offered)
            return;
        if (mailsOwed || !await MailPublicationAsync())
            return;
        if (S.State is UploadState.Published or UploadState.StageRejected or UploadState.Failed or UploadState.DepWait or UploadState.Cancelled)
            await TransitionAsync(UploadState.Done, S.State switch
            {
                UploadState.Published => $"published in {string.Join(", ", S.Publications.Select(p => $"{p.Distribution}, generation {p.Generation}"))}",
                UploadState.StageRejected => "stage rejection mailed",
                _ => "result mailed",
            }, S.State);
    }

    /// <summary>
    /// Sends a mail; a mail server that is down must not stop the upload, so a failure is
    /// recorded and the rest of what is owed is tried again later (the upload stays unsettled).
    /// A mail that can never go (an address that is not one, a header that cannot be encoded, a
    /// recipient refused for good) is given up once, with the reason in the history.
    /// </summary>
    private async Task<bool> TryMailAsync(string kind, Func<Task> send)
    {
        var trace = UploadMailer.Trace();
        try
        {
            await send();
            RecordMail(kind, trace, trace.Subject is null ? "nobody to tell" : "sent");
            DeliveryDone(DeliveryKind.Mail);
            return true;
        }
        catch (MailSendException ex) when (ex.Permanent)
        {
            RecordMail(kind, trace, $"given up: {ex.Message}");
            CountMailFailure(permanent: true);
            DeliveryDone(DeliveryKind.Mail);
            await TransitionAsync(S.State, $"mail given up ({ex.Message})");
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RecordMail(kind, trace, $"not sent: {ex.Message}");
            CountMailFailure(permanent: false);
            var delay = DeliveryFailed(DeliveryKind.Mail, _options.MailRetrySeconds, ex.Message);
            await TransitionAsync(S.State, $"mail not sent ({ex.Message}); trying again in {delay.TotalSeconds:0} s");
            _mailRetry?.Dispose();
            _mailRetry = this.RegisterGrainTimer(async () =>
            {
                _mailRetry?.Dispose();
                _mailRetry = null;
                await RunOwedAsync(ContinueAsync);
            }, OneShotTimer.After(delay));
            return false;
        }
    }

    async Task<string> IUploadGrain.RetryAsync()
    {
        if (S.Ticket is null)
            return $"no upload {Id}";
        if (S.Outcome is not (UploadState.Failed or UploadState.DepWait))
            return $"{Id} is {S.State}{(S.Outcome is { } o ? $" ({o})" : "")}; only failed or dep-wait uploads can be retried";
        var again = S.Builds.Where(b => b.Outcome != BuildOutcome.Success).ToList();
        foreach (var b in again)
        {
            b.State = BuildState.Waiting;
            b.Attempt++;
            b.Outcome = null;
            b.Summary = null;
            b.Mailed = false;
            b.FailedSlots.Clear();
            b.InfrastructureErrors = 0;
            b.CancelRequested = null;
        }
        await ForgetDependencyWaitsAsync(again);
        S.Outcome = null;
        await TransitionAsync(UploadState.Queued, $"retry requested: {string.Join(", ", again.Select(b => b.Architecture))} queued again");
        await EnqueueWaitingBuildsAsync();
        return $"{Id}: {again.Count} build(s) queued again";
    }

    Task<UploadDetails?> IUploadGrain.GetDetailsAsync() =>
        Task.FromResult(S.Ticket is null
            ? null
            : new UploadDetails(Snapshot(), [.. S.History], S.Builds.Select(b => b.ToProgress()).ToList(), [.. S.Problems], S.Uploader,
                S.RejectedFolder ?? S.Folder, S.Origin, S.Identity, [.. S.Rejections], S.ChangesFileName, Latency(), [.. S.Publications], [.. S.Mails]));

    /// <summary>
    /// Where the upload's mail goes: the account's registered address when the upload has an
    /// account (never the unverified Changed-By then); otherwise what the upload's text says.
    /// </summary>
    private UploadMailer.Recipient Recipient() => S.Identity?.Account is { } account
        ? new(S.AccountEmail, $"Uploader: account {account}, verified by {S.Identity.How}" + (S.AccountEmail is null ? " (the account has no registered address)" : ""))
        : new(S.Uploader, $"Uploader: not verified ({S.Identity?.How ?? "no account"}); this mail goes to the address the upload names (Changed-By/Maintainer: {S.Uploader ?? "none"})");

    async Task<LogChunk?> IUploadGrain.ReadLogAsync(string? architecture, long offset)
    {
        var build = architecture is not null
            ? S.Builds.FirstOrDefault(b => b.Architecture == architecture)
            : S.Builds.FirstOrDefault(b => b.State == BuildState.Running) ?? S.Builds.LastOrDefault(b => b.Started is not null);
        if (build?.Started is null)
            return null;
        var (text, next) = await logs.ReadAsync(Id, build.Architecture, build.Attempt, offset, 64 * 1024);
        return new LogChunk(build.Architecture, build.Attempt, offset, next, text, build.State != BuildState.Finished);
    }

    private UploadSummary Snapshot() =>
        new(Id, S.Product, S.Source, S.Version, S.State, S.Outcome, S.ReceivedAt, S.UpdatedAt, S.History.LastOrDefault()?.Reason ?? "",
            S.State == UploadState.Done || (S.State == UploadState.Rejected && S.RejectionMailed), Latency(), S.Identity?.Account);

    private BuildRecord? Find(string buildId) =>
        UploadIds.UploadOfBuild(buildId) == Id ? S.Builds.FirstOrDefault(b => b.Architecture == UploadIds.ArchitectureOfBuild(buildId)) : null;

    private static string Describe(BuildRecord b) => b.Outcome switch
    {
        BuildOutcome.Success => $"built on {b.Slot}",
        BuildOutcome.DepWait => $"waiting for build dependencies: {string.Join(", ", b.MissingDependencies)}",
        BuildOutcome.BuildFailed => $"build failed on {b.Slot}: {b.Summary}",
        BuildOutcome.BadSource => $"bad source: {b.Summary}",
        BuildOutcome.InfrastructureError => $"infrastructure error: {b.Summary}",
        BuildOutcome.Cancelled => b.Summary ?? "cancelled",
        _ => b.State.ToString(),
    };

    private async Task TransitionAsync(UploadState to, string reason, UploadState? outcome = null)
    {
        RecordTransition(to, reason, outcome);
        await WriteAsync();
    }

    /// <summary>Records a transition in memory only; the next <see cref="WriteAsync"/> makes it durable.</summary>
    private void RecordTransition(UploadState to, string reason, UploadState? outcome = null)
    {
        var now = time.GetUtcNow();
        S.History.Add(new UploadTransition(now, S.State, to, reason));
        CapHistory();
        LogTransition(logger, Id, S.State, to, reason);
        S.State = to;
        if (outcome is not null)
            S.Outcome = outcome;
        S.UpdatedAt = now;
    }

    private async Task WriteAsync()
    {
        await state.WriteKeepingMemoryAsync();
        await Registry.UpdateAsync(Snapshot());
    }

    private IUploadRegistryGrain Registry => GrainFactory.GetGrain<IUploadRegistryGrain>(S.Product);
    private IBuildSchedulerGrain Scheduler => GrainFactory.GetGrain<IBuildSchedulerGrain>(0);

    [LoggerMessage(Level = LogLevel.Information, Message = "{UploadId}: {From} -> {To}: {Reason}")]
    private static partial void LogTransition(ILogger logger, string uploadId, UploadState from, UploadState to, string reason);
}
