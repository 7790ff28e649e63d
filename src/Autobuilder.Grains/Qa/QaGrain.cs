using System.Globalization;
using Autobuilder.Acceptance;
using Autobuilder.Acceptance.Checks;
using Autobuilder.Debian.Control;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Security;
using Autobuilder.Grains.Stage;
using Autobuilder.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Qa;

/// <summary>
/// The QA ladder of one distribution (key "repository/product"; issue 15), on the stage beside the
/// distributions it reads. It decides with <see cref="AcceptanceLists.Promotion"/> on facts it
/// gathers from the stage's public grains (package sets, what the target holds), from
/// dose-debcheck and lintian (ports run by the silo on the published indices and pool files), and
/// from its own state (votes, rounds, requests). It promotes and demotes only through the
/// distribution grains, so the stage's own checks run again on every move. Not reentrant: a vote
/// and a promotion never interleave. The target distribution never calls back, so no call loops.
/// </summary>
[RolePlacement(SiloRoles.Stage)]
public sealed partial class QaGrain(
    [PersistentState("qa", "state")] IPersistentState<QaGrainState> state,
    QaLadder ladder,
    IInstallabilityChecker dose,
    ILintianChecks lintianChecks,
    IMailSender mail,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<QaGrain> logger) : Grain, IQaGrain, IRemindable
{
    public const string Reminder = "qa-ladder";

    private readonly Dictionary<string, RepositoryInfo> _repositories = new(StringComparer.Ordinal);

    private string Key => this.GetPrimaryKeyString();
    private string Repository => StageConfiguration.SplitKey(Key).Repository;
    private string Product => StageConfiguration.SplitKey(Key).Product;
    private QaStep? Step => ladder.From(Repository);
    private DateTimeOffset Now => time.GetUtcNow();
    private QaGrainState S => state.State;

    async Task IQaGrain.StartAsync()
    {
        if (Step is { Options.ByRequest: false })
        {
            try
            {
                await this.RegisterOrUpdateReminder(Reminder, ladder.Check, ladder.Check);
            }
            catch (Exception ex)
            {
                LogReminderFailed(logger, Key, ex);
            }
        }
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == Reminder)
            await RunRulesAsync("the quarantine reminder");
    }

    Task<QaAnswer> IQaGrain.AutoPromoteAsync() => RunRulesAsync($"repo auto-promote by {Caller}");

    async Task<QaAnswer> IQaGrain.RequestPromotionAsync(PromotionRequest request)
    {
        if (Step is not { } step)
            return NoStep();
        var held = await Distribution(Repository).GetSourcePackagesAsync(request.Source, request.Version);
        if (held.Count == 0)
            return QaAnswer.Refused($"{request.Source} {request.Version} is not in {Key}" + await HeldVersionsAsync(request.Source));
        var by = Caller;
        if (request.Login is { } login)
        {
            if (await RefuseAccountAsync(login) is { } bad)
                return QaAnswer.Refused(bad);
            var maintainers = await MaintainersAsync(request.Source, request.Version);
            if (!maintainers.Contains(login))
                return QaAnswer.Refused($"account {login} neither owns nor uploaded {request.Source}" +
                    (maintainers.Count > 0 ? $" (its maintainer: {string.Join(", ", maintainers)})" : "") +
                    "; the maintainer or an operator may request its promotion");
            // The maintainer's own request from the web pages names itself ("alice (web)").
            by = VerifiedCaller.OnBehalfOf is { } via && via.StartsWith(login + " ", StringComparison.Ordinal) ? via : $"{login} (entered by {Caller})";
        }

        if (S.Requests.TryGetValue(request.Source, out var pending) && pending is { Checking: true } && pending.Version == request.Version
            && Now - pending.CheckingSince < LintianPatience)
            return QaAnswer.Done($"{request.Source} {request.Version} is being checked since {pending.CheckingSince:yyyy-MM-dd HH:mm:ss}Z (lintian, asked by {pending.By}); " +
                $"the answer lands in: autobuilder repo excuses {Key} {request.Source}");

        var candidate = new Candidate(request.Source, request.Version, held.Min(r => r.AddedAt));
        var contexts = await ContextsAsync(step, [candidate], held, confirmed: true);
        var run = await AcceptanceLists.Promotion.RunAsync(contexts[0]);
        // Lintian takes tens of seconds: it runs, sandboxed, outside this call once everything else
        // passed; its answer (LintianDoneAsync) decides the request (its findings are kept per version).
        if (run.Accepted && step.Options.LintianBlockingTags.Count > 0 && contexts[0].Lintian is null)
        {
            var debs = Debs(held);
            var info = await InfoAsync(Repository);
            lintianChecks.Start(new LintianJob(Key, request.Source, request.Version, info.LivePath, debs));
            S.Requests[request.Source] = new QaRequestRecord(request.Version, by, Now, false,
                [new QaReason("lintian", $"checking: lintian runs on {debs.Count} .deb(s) since {Now:yyyy-MM-dd HH:mm:ss}Z; its answer decides the request")], Now);
            await state.WriteStateAsync();
            return QaAnswer.Done($"{request.Source} {request.Version}: the other checks passed; lintian is checking its .debs now. " +
                $"It moves to {step.To}/{Product} if no blocking tag is found; the answer lands in: autobuilder repo excuses {Key} {request.Source}");
        }
        return await DecideRequestAsync(step, candidate, by, run);
    }

    /// <summary>A request waits this long for lintian's answer before a new request may start it again (a silo restart loses the run).</summary>
    private TimeSpan LintianPatience => TimeSpan.FromSeconds(options.Value.Qa.ToolTimeoutSeconds) + TimeSpan.FromMinutes(5);

    /// <summary>Promotes, or refuses naming every failed check; the request record (shown in the excuses) says which.</summary>
    private async Task<QaAnswer> DecideRequestAsync(QaStep step, Candidate candidate, string by, CheckRun run)
    {
        var reasons = Reasons(run);
        if (reasons.Count > 0)
        {
            S.Requests[candidate.Source] = new QaRequestRecord(candidate.Version, by, Now, false, reasons);
            Decide("refused", candidate.Source, candidate.Version, step, $"requested by {by}: {string.Join("; ", reasons.Select(r => r.Text))}", by);
            await state.WriteStateAsync();
            return QaAnswer.Refused($"{candidate.Source} {candidate.Version} stays in {Key}: {reasons.Count} check(s) failed", reasons);
        }
        var promoted = await PromoteAsync(step, candidate, $"requested by {by}", run, by);
        S.Requests[candidate.Source] = new QaRequestRecord(candidate.Version, by, Now, promoted.Ok, promoted.Ok ? [] : [new QaReason("stage", promoted.Message)]);
        await state.WriteStateAsync();
        return promoted;
    }

    async Task IQaGrain.LintianDoneAsync(string source, string version, IReadOnlyList<QaLintianTag> tags, string? failure)
    {
        if (failure is null)
            S.Lintian[InstallabilityReport.Key(source, version)] = [.. tags.Select(t => new LintianTagRecord(t.Severity, t.Package, t.Tag, t.Detail))];
        if (Step is not { } step || !S.Requests.TryGetValue(source, out var pending) || !pending.Checking || pending.Version != version)
        {
            await state.WriteStateAsync();
            return;
        }
        var held = await Distribution(Repository).GetSourcePackagesAsync(source, version);
        if (failure is not null || held.Count == 0)
        {
            var why = failure is not null
                ? $"lintian could not run: {failure}; ask again (autobuilder repo request-promotion)"
                : $"{source} {version} left {Key} while lintian checked it";
            S.Requests[source] = new QaRequestRecord(version, pending.By, Now, false, [new QaReason("lintian", why)]);
            Decide("refused", source, version, step, $"requested by {pending.By}: {why}", pending.By);
            await state.WriteStateAsync();
            return;
        }
        var candidate = new Candidate(source, version, held.Min(r => r.AddedAt));
        var contexts = await ContextsAsync(step, [candidate], held, confirmed: true);
        await DecideRequestAsync(step, candidate, pending.By, await AcceptanceLists.Promotion.RunAsync(contexts[0]));
    }

    private static List<string> Debs(IReadOnlyList<PackageRecord> records) =>
        records.Where(r => !r.IsSource).SelectMany(r => r.Files).Select(f => f.Path).Where(p => p.EndsWith(".deb", StringComparison.Ordinal)).Distinct().ToList();

    async Task<QaAnswer> IQaGrain.VoteAsync(QaVote vote)
    {
        if (Step is not { } step)
            return NoStep();
        if (step.Options.ByRequest)
            return QaAnswer.Refused($"votes are taken where packages wait in quarantine; {Repository} moves by request ({step.Describe()})");
        if (vote.Value is not (1 or -1))
            return QaAnswer.Refused($"a vote is +1 or -1, not {vote.Value}");
        if (vote.Value < 0 && string.IsNullOrWhiteSpace(vote.Comment))
            return QaAnswer.Refused("a -1 needs a comment saying what is wrong (reproducible crash, battery drain, security risk, missing feature…)");
        if (vote.Blocker && vote.Value > 0)
            return QaAnswer.Refused("only a -1 can be a blocker");
        if (await RefuseAccountAsync(vote.Login) is { } bad)
            return QaAnswer.Refused(bad);
        var newest = await NewestAsync(vote.Source);
        if (newest is null)
            return QaAnswer.Refused($"{vote.Source} is not in {Key}");
        if (newest.Version != vote.Version)
            return QaAnswer.Refused($"{vote.Source} {vote.Version} is not the version in {Key}; it holds {newest.Version} (vote on that)");
        var maintainers = await MaintainersAsync(vote.Source, vote.Version);
        if (maintainers.Contains(vote.Login))
            return QaAnswer.Refused($"account {vote.Login} may not vote on {vote.Source}: it is its own package (owner or uploader)");

        var round = SyncRound(step, vote.Source, newest.Version, newest.AddedAt);
        round.Votes.RemoveAll(v => v.Login == vote.Login && v.Open);
        round.Votes.Add(new QaVoteRecord(vote.Login, vote.Version, round.Number, vote.Value, vote.Comment.Trim(), vote.Blocker, Now, Caller));
        var karma = round.Votes.Where(v => v.Open).Sum(v => v.Value);
        await state.WriteStateAsync();
        LogVoted(logger, Key, vote.Source, vote.Version, vote.Login, vote.Value, karma);

        var message = $"{vote.Login}'s {(vote.Value > 0 ? "+1" : "-1")}{(vote.Blocker ? " (blocker)" : "")} on {vote.Source} {vote.Version} in {Key} is recorded; karma now {karma}" +
            (step.Options.MinimumKarma > 0 ? $" of {step.Options.MinimumKarma}" : "");
        if (step.Options.DemoteBelowKarma is { } floor && karma < floor)
        {
            var demoted = await DemoteCoreAsync(vote.Source, vote.Version, $"karma {karma} fell below {floor} after a -1 from {vote.Login}: {vote.Comment}", "the karma floor");
            return new QaAnswer(true, message + "\n" + demoted.Message, []);
        }
        return QaAnswer.Done(message);
    }

    async Task<QaAnswer> IQaGrain.VoidVoteAsync(string source, string voter, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
            return QaAnswer.Refused("voiding a vote needs a reason (--reason)");
        if (!S.Rounds.TryGetValue(source, out var round))
            return QaAnswer.Refused($"nobody has voted on {source} in {Key}");
        var voided = 0;
        foreach (var list in new[] { round.Votes, round.EarlierBlockers })
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].Login == voter && list[i].Open)
                {
                    list[i] = list[i] with { VoidedReason = reason.Trim(), VoidedBy = Caller };
                    voided++;
                }
            }
        }
        if (voided == 0)
            return QaAnswer.Refused($"{voter} has no open vote on {source} in {Key}");
        await state.WriteStateAsync();
        return QaAnswer.Done($"voided {voided} vote(s) of {voter} on {source} in {Key}: {reason.Trim()}; karma now {round.Votes.Where(v => v.Open).Sum(v => v.Value)}");
    }

    async Task<QaAnswer> IQaGrain.DemoteAsync(string source, string? version, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
            return QaAnswer.Refused("a demotion needs a reason (--reason); the maintainer is mailed it");
        var which = version ?? (await NewestAsync(source))?.Version;
        if (which is null)
            return QaAnswer.Refused($"{source} is not in {Key}");
        return await DemoteCoreAsync(source, which, reason.Trim(), $"an operator ({Caller})");
    }

    Task<QaExcuses> IQaGrain.GetExcusesAsync(string? source)
    {
        _lastRead = time.GetTimestamp();
        return ExcusesAsync(source, step => source is null ? CandidatesAsync(step, null) : CandidatesOfAsync(step, Distribution(Repository).GetSourcesAsync(new[] { source })));
    }

    Task<QaExcuses> IQaGrain.GetExcusesPageAsync(string? from, int limit)
    {
        _lastRead = time.GetTimestamp();
        return ExcusesAsync(null, async step => await CandidatesOfAsync(step, Task.FromResult((await Distribution(Repository).GetPageAsync(from, limit)).Sources)));
    }

    // When the excuses were last read (the real clock: a cache's rule, not the ladder's). A publish
    // makes them again at once only while someone reads them: a bulk load into a repository nobody
    // looks at costs no dose-debcheck runs on the way.
    private long? _lastRead;
    private static readonly TimeSpan KeepReadyAfterRead = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A distribution the excuses read published: they are made now (the package sets listed again,
    /// installability judged again for what the change can reach), so that the first read after the
    /// publish finds them ready. The read that comes meanwhile waits for this turn, and then costs
    /// what a read between two publishes costs.
    /// </summary>
    async Task IQaGrain.PublishedAsync(string distribution, long generation)
    {
        if (Step is not { Options.ByRequest: false } || _lastRead is not { } read || time.GetElapsedTime(read) > KeepReadyAfterRead)
            return;
        try
        {
            await ExcusesAsync(null, step => CandidatesAsync(step, null));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPrepareFailed(logger, Key, distribution, generation, ex);
        }
    }

    private async Task<QaExcuses> ExcusesAsync(string? source, Func<QaStep, Task<List<Candidate>>> candidatesOf)
    {
        if (Step is not { } step)
            return new QaExcuses(Key, null, null, Now, [], [.. S.Decisions.TakeLast(50)]);
        var to = $"{step.To}/{Product}";
        List<QaExcuse> excuses;
        if (step.Options.ByRequest)
        {
            excuses = [.. S.Requests.Where(r => source is null || r.Key == source).OrderBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => new QaExcuse(r.Key, r.Value.Version, null, null, null, 0, [], r.Value.Reasons,
                    $"{(r.Value.Promoted ? "promoted" : r.Value.Checking ? "being checked (lintian), requested" : "requested")} by {r.Value.By} at {r.Value.At:yyyy-MM-dd HH:mm}Z"))];
        }
        else
        {
            var candidates = await candidatesOf(step);
            var contexts = await ContextsAsync(step, candidates, null, confirmed: false, view: true);
            excuses = new List<QaExcuse>(contexts.Count);
            foreach (var c in contexts)
            {
                var run = await AcceptanceLists.Promotion.RunAsync(c);
                var round = S.Rounds.GetValueOrDefault(c.Source);
                excuses.Add(new QaExcuse(c.Source, c.Version, c.TargetVersion, c.EnteredAt, c.EnteredAt is { } e ? Math.Round((Now - e).TotalDays, 2) : null,
                    c.Karma, round?.Version == c.Version ? [.. round.Votes] : [], Reasons(run),
                    S.Requests.TryGetValue(c.Source, out var req) && req.Version == c.Version ? $"confirmed by {req.By}" : null));
            }
        }
        return new QaExcuses(Key, to, step.Describe(), Now, excuses, [.. S.Decisions.TakeLast(50)], S.LastRunAt);
    }

    Task<QaVotes> IQaGrain.GetVotesAsync(string source)
    {
        if (!S.Rounds.TryGetValue(source, out var round))
            return Task.FromResult(new QaVotes(source, null, 0, [], []));
        return Task.FromResult(new QaVotes(source, round.Version, round.Number, [.. round.Votes], [.. round.EarlierBlockers.Where(v => v.OpenBlocker)]));
    }

    /// <summary>The quarantine rules over every candidate: the ones nothing holds move, each with the rule that let it through.</summary>
    private async Task<QaAnswer> RunRulesAsync(string by)
    {
        if (Step is not { } step)
            return NoStep();
        if (step.Options.ByRequest)
            return QaAnswer.Done($"{Key}: {step.Describe()}; nothing moves without a request (autobuilder repo request-promotion)");
        var candidates = await CandidatesAsync(step, null);
        var contexts = await ContextsAsync(step, candidates, null, confirmed: false);
        var lines = new List<string>();
        var ok = true;
        var held = 0;
        foreach (var (context, candidate) in contexts.Zip(candidates))
        {
            var run = await AcceptanceLists.Promotion.RunAsync(context);
            if (!run.Accepted)
            {
                held++;
                continue;
            }
            // Lintian runs only for what would move otherwise (tens of seconds a package), outside
            // this turn: the package waits for its answer, and the next run decides with it.
            if (step.Options.LintianBlockingTags.Count > 0 && context.Lintian is null)
            {
                var records = await Distribution(Repository).GetSourcePackagesAsync(candidate.Source, candidate.Version);
                lintianChecks.Start(new LintianJob(Key, candidate.Source, candidate.Version, (await InfoAsync(Repository)).LivePath, Debs(records)));
                held++;
                continue;
            }
            var answer = await PromoteAsync(step, candidate, by, run, by);
            ok &= answer.Ok;
            lines.Add(answer.Message);
        }
        S.LastRunAt = Now;
        S.Runs++;
        await state.WriteStateAsync();
        LogRulesRan(logger, Key, lines.Count, held);
        lines.Add($"{Key} → {step.To}/{Product}: {held} package(s) held (autobuilder repo excuses {Key})");
        return new QaAnswer(ok, string.Join("\n", lines), []);
    }

    private async Task<QaAnswer> PromoteAsync(QaStep step, Candidate c, string trigger, CheckRun run, string by)
    {
        var target = Distribution(step.To);
        var result = await target.PromoteFromAsync(Repository, Product, c.Source, c.Version);
        var passed = string.Join(", ", run.Results.Where(r => r.Outcome.Skipped is null).Select(r => r.Check));
        var rule = $"{step.Describe()} ({trigger}; passed: {passed})";
        if (!result.Ok)
        {
            Decide("refused", c.Source, c.Version, step, $"{rule}; the stage refused: {result.Message}", by);
            return QaAnswer.Refused($"{c.Source} {c.Version}: the stage refused the promotion to {step.To}/{Product}: {result.Message}", [new QaReason("stage", result.Message)]);
        }
        Decide("promoted", c.Source, c.Version, step, rule, by);
        LogPromoted(logger, c.Source, c.Version, Key, step.To, rule);
        return QaAnswer.Done($"{c.Source} {c.Version} promoted from {Key} to {step.To}/{Product} by the rule {rule}");
    }

    private async Task<QaAnswer> DemoteCoreAsync(string source, string version, string reason, string by)
    {
        var records = await Distribution(Repository).GetSourcePackagesAsync(source, version);
        var result = await Distribution(Repository).RemoveAsync(source, version);
        if (!result.Ok)
            return QaAnswer.Refused($"{source} {version} could not be taken out of {Key}: {result.Message}");
        S.Decisions.Add(new QaDecision(Now, "demoted", source, version, Key, null, reason, by));
        Trim();
        await state.WriteStateAsync();
        LogDemoted(logger, source, version, Key, reason);
        var to = await MaintainerAddressAsync(source, records);
        if (to is not null)
        {
            try
            {
                await mail.SendAsync(new MailMessage
                {
                    To = [to],
                    Subject = $"{source} {version} ({Product}): removed from {Repository}",
                    Body = $"{source} {version} was taken out of {Key}.\n\nReason: {reason}\nDecided by: {by}\n\n" +
                        $"Its votes and this decision: autobuilder repo excuses {Key} {source}\nUpload a fixed version to move it up again.\n",
                    Headers = new Dictionary<string, string> { ["X-Autobuilder-Qa"] = $"demoted {Key} {source} {version}" },
                }, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogMailFailed(logger, source, version, ex);
            }
        }
        return QaAnswer.Done($"{source} {version} demoted: taken out of {Key} ({reason}); " + (to is null ? "no maintainer address to mail" : $"mailed {to}"));
    }

    private sealed record Candidate(string Source, string Version, DateTimeOffset? EnteredAt);

    // What the package sets give, kept while their generations stay (a 50,000-package set is costly
    // to list and copy on every read of the excuses): the target's newest versions, this
    // distribution's newest versions in name order, and the candidates. A publish to the target
    // lists the target again, not this distribution.
    private (long Generation, Dictionary<string, string> Versions)? _target;
    private (long Generation, List<Candidate> Newest)? _here;
    private (long Here, long There, List<Candidate> List)? _candidates;

    /// <summary>The newest version of each source here that the target does not hold as such (newer, or not at all; an older one is shown as going backwards).</summary>
    private async Task<List<Candidate>> CandidatesAsync(QaStep step, string? source)
    {
        var there = await TargetVersionsAsync(step);
        var thereGeneration = _target!.Value.Generation;
        var here = await HereNewestAsync();
        if (_candidates is not { } cached || cached.Here != here.Generation || cached.There != thereGeneration)
        {
            var list = new List<Candidate>();
            foreach (var c in here.Newest)
            {
                if (there.TryGetValue(c.Source, out var t) && (t == c.Version || VersionRule.Compare(t, c.Version) == 0))
                    continue;
                list.Add(c);
            }
            cached = (here.Generation, thereGeneration, list);
            _candidates = cached;
        }
        return source is null ? cached.List : [.. cached.List.Where(c => c.Source == source)];
    }

    /// <summary>The newest version of each source here, in name order, read again only when this distribution's generation changed.</summary>
    private async Task<(long Generation, List<Candidate> Newest)> HereNewestAsync()
    {
        var generation = (await Distribution(Repository).GetStatusAsync()).Generation;
        if (_here is { } cached && cached.Generation == generation)
            return cached;
        var details = await Distribution(Repository).GetDetailsAsync();
        // Keyed by the generation the details were read at, which may be newer than the status said.
        var here = (details.Status.Generation, Newest(details).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new Candidate(p.Key, p.Value.Version, p.Value.AddedAt)).ToList());
        _here = here;
        return here;
    }

    /// <summary>The newest version of each source in the target, read again only when its generation changed.</summary>
    private async Task<Dictionary<string, string>> TargetVersionsAsync(QaStep step)
    {
        var target = Distribution(step.To);
        var generation = (await target.GetStatusAsync()).Generation;
        if (_target is { } cached && cached.Generation == generation)
            return cached.Versions;
        var details = await target.GetDetailsAsync();
        var versions = Newest(details).ToDictionary(p => p.Key, p => p.Value.Version, StringComparer.Ordinal);
        _target = (details.Status.Generation, versions);
        return versions;
    }

    /// <summary>
    /// As <see cref="CandidatesAsync(QaStep, string?)"/> among some sources here only (one source, a
    /// page of them): the target is asked for those names alone, so the cost follows the names.
    /// </summary>
    private async Task<List<Candidate>> CandidatesOfAsync(QaStep step, Task<IReadOnlyList<SourceSummary>> sources)
    {
        var here = Newest(await sources);
        var there = Newest(await Distribution(step.To).GetSourcesAsync(here.Keys.ToArray()));
        return [.. here.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Where(p => !(there.TryGetValue(p.Key, out var t) && VersionRule.Compare(t.Version, p.Value.Version) == 0))
            .Select(p => new Candidate(p.Key, p.Value.Version, p.Value.AddedAt))];
    }

    private static Dictionary<string, SourceSummary> Newest(DistributionDetails details) => Newest(details.Sources);

    private static Dictionary<string, SourceSummary> Newest(IReadOnlyList<SourceSummary> sources)
    {
        var newest = new Dictionary<string, SourceSummary>(StringComparer.Ordinal);
        foreach (var s in sources)
        {
            if (!newest.TryGetValue(s.Source, out var n) || VersionRule.Compare(s.Version, n.Version) > 0)
                newest[s.Source] = s;
        }
        return newest;
    }

    private async Task<SourceSummary?> NewestAsync(string source)
    {
        var versions = await Distribution(Repository).GetSourceVersionsAsync(source);
        if (versions.Count == 0)
            return null;
        var records = await Distribution(Repository).GetSourcePackagesAsync(source, versions[0]);
        return new SourceSummary(source, versions[0], "", [], [], false, records.Count > 0 ? records.Min(r => r.AddedAt) : Now);
    }

    /// <summary>
    /// The facts for each candidate: the target's versions, installability (one dose-debcheck run
    /// for all of them), the votes of their current rounds; for a request also its records and lintian.
    /// </summary>
    private async Task<List<PromotionContext>> ContextsAsync(QaStep step, IReadOnlyList<Candidate> candidates, IReadOnlyList<PackageRecord>? records, bool confirmed,
        bool view = false)
    {
        var from = await InfoAsync(Repository);
        var toInfo = await InfoAsync(step.To);
        var toKey = $"{step.To}/{Product}";
        var covered = from.Architectures.Intersect(toInfo.Architectures, StringComparer.Ordinal).ToList();
        var rules = new LadderRules(step.Describe(), step.Options.MinimumDays, step.Options.MinimumKarma, step.Options.BlockerVotesBlock,
            step.Options.MaintainerConfirms, step.Options.PreviousRoundBlocks, step.Options.LintianBlockingTags.ToHashSet(StringComparer.Ordinal));

        var background = new List<PublishedIndices> { new(toKey, toInfo.LivePath, Product, toInfo.Components) };
        foreach (var with in step.Options.InstallableWith)
        {
            var info = await InfoAsync(with);
            if (info.Products.Contains(Product))
                background.Add(new PublishedIndices($"{with}/{Product}", info.LivePath, Product, info.Components));
        }
        var hasBase = options.Value.Qa.BaseIndices.TryGetValue(Product, out var baseFiles) && baseFiles.Count > 0;
        var against = string.Join(", ", background.Select(b => b.Name)) + (hasBase ? " and the base" : " (no base: Autobuilder:Qa:BaseIndices)");
        against = background.Count == 1 && hasBase ? $"{toKey} and its base" : against;

        InstallabilityReport? report = null;
        string? skipped = null;
        if (!step.Options.CheckInstallability)
            skipped = $"installability is not checked on {step.Describe()}";
        else if (candidates.Count > 0)
        {
            var query = new InstallabilityQuery(new PublishedIndices(Key, from.LivePath, Product, from.Components), background,
                covered.Count > 0 ? covered : from.Architectures, [.. candidates.Select(c => (c.Source, c.Version))]);
            // A page view reuses the answer to the same question on the same live generations (CachedInstallabilityAsync);
            // the rules and requests always run dose-debcheck afresh.
            report = view ? await CachedInstallabilityAsync(query, background.Select(b => b.Name)) : await dose.CheckAsync(query);
            if (report.Failure is { } failure)
            {
                skipped = $"dose-debcheck could not run: {failure}";
                report = null;
            }
        }

        var targetVersions = await TargetVersionsAsync(step);
        var contexts = new List<PromotionContext>(candidates.Count);
        foreach (var c in candidates)
        {
            IReadOnlyList<VoteFact> votes = [];
            IReadOnlyList<VoteFact> earlier = [];
            if (step.Options.ByRequest)
            {
                // Votes are taken in the target: its current round on an older version is, for this one, an earlier round.
                var there = await GrainFactory.GetGrain<IQaGrain>(toKey).GetVotesAsync(c.Source);
                earlier = [.. there.EarlierOpenBlockers.Concat(there.Version != c.Version ? there.Current.Where(v => v.OpenBlocker) : []).Select(Fact)];
            }
            else
            {
                var round = SyncRound(step, c.Source, c.Version, c.EnteredAt);
                votes = [.. round.Votes.Where(v => v.Open).Select(Fact)];
                earlier = [.. round.EarlierBlockers.Where(v => v.OpenBlocker).Select(Fact)];
            }
            var key = InstallabilityReport.Key(c.Source, c.Version);
            var context = new PromotionContext
            {
                Source = c.Source,
                Version = c.Version,
                From = Key,
                To = toKey,
                Rules = rules,
                Now = Now,
                Binaries = records?.Where(r => !r.IsSource).Select(r => new PromotionBinary(r.Package, r.Architecture)).ToList(),
                NeededArchitectures = BinariesCompleteCheck.Needed(covered, records?.FirstOrDefault(r => r.IsSource) is { } dsc ? Field(dsc, "Architecture") : null),
                TargetVersion = targetVersions.GetValueOrDefault(c.Source),
                Uninstallable = report is null ? null : report.Broken.GetValueOrDefault(key) ?? [],
                InstallabilitySkipped = skipped,
                InstallabilityUnknown = report?.Unread?.Contains(key) == true
                    ? $"installability not judged: no binary of {c.Source} {c.Version} is in the published indices of {Key} (not live yet?); ask again once it is"
                    : null,
                InstallableAgainst = against,
                Lintian = S.Lintian.TryGetValue(key, out var tags) ? [.. tags.Select(t => new LintianTag(t.Severity, t.Package, t.Tag, t.Detail))] : null,
                LintianSkipped = "lintian runs once the other checks pass",
                EnteredAt = c.EnteredAt,
                Votes = votes,
                EarlierBlockers = earlier,
                Confirmed = confirmed || (S.Requests.TryGetValue(c.Source, out var req) && req.Version == c.Version),
            };
            contexts.Add(context);
        }
        return contexts;
    }

    private static VoteFact Fact(QaVoteRecord v) => new(v.Login, v.Value, v.Comment, v.Blocker, v.Version);

    /// <summary>The source's round here, begun anew when a newer version arrived (its votes reset or carried, its open blockers kept as earlier ones).</summary>
    private QaRound SyncRound(QaStep step, string source, string version, DateTimeOffset? enteredAt)
    {
        if (!S.Rounds.TryGetValue(source, out var round))
        {
            round = new QaRound { Version = version, StartedAt = enteredAt ?? Now };
            S.Rounds[source] = round;
            return round;
        }
        if (round.Version == version)
            return round;
        if (!step.CarryVotes)
        {
            round.EarlierBlockers.AddRange(round.Votes.Where(v => v.OpenBlocker));
            round.Votes = [];
        }
        round.Version = version;
        round.Number++;
        round.StartedAt = enteredAt ?? Now;
        S.Lintian.Remove(InstallabilityReport.Key(source, version));
        return round;
    }

    private void Decide(string kind, string source, string version, QaStep step, string rule, string by)
    {
        S.Decisions.Add(new QaDecision(Now, kind, source, version, Key, $"{step.To}/{Product}", rule, by));
        Trim();
    }

    private void Trim()
    {
        var keep = Math.Max(10, options.Value.Qa.KeepDecisions);
        if (S.Decisions.Count > keep)
            S.Decisions.RemoveRange(0, S.Decisions.Count - keep);
    }

    private static List<QaReason> Reasons(CheckRun run) =>
        [.. run.Rejections.Select(r => new QaReason(r.Check, r.Reason, r.Field, r.Expected, r.Found))];

    /// <summary>The owner of the source (account directory) and the accounts that uploaded this version (upload registry).</summary>
    private async Task<HashSet<string>> MaintainersAsync(string source, string version)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (await GrainFactory.GetGrain<IAccountDirectoryGrain>(0).GetSourceOwnerAsync(source) is { } owner)
            set.Add(owner);
        // From the uploads' read model: the version may be older than what the registry keeps in memory.
        foreach (var upload in (await GrainFactory.GetGrain<IUploadRegistryGrain>(Product).QueryAsync(new UploadQuery(Source: source, Limit: UploadQuery.MaxLimit))).Uploads.Where(u => u.Version == version))
        {
            if ((await GrainFactory.GetGrain<IUploadGrain>(upload.Id).GetDetailsAsync())?.Identity?.Account is { } account)
                set.Add(account);
        }
        return set;
    }

    private async Task<string?> MaintainerAddressAsync(string source, IReadOnlyList<PackageRecord> records)
    {
        var directory = GrainFactory.GetGrain<IAccountDirectoryGrain>(0);
        if (await directory.GetSourceOwnerAsync(source) is { } owner && await directory.GetEmailAsync(owner) is { } email)
            return email;
        return records.Select(r => Field(r, "Maintainer")).FirstOrDefault(m => m is { Length: > 0 });
    }

    private async Task<string?> RefuseAccountAsync(string login)
    {
        var account = await GrainFactory.GetGrain<IAccountDirectoryGrain>(0).GetAsync(login);
        return account switch
        {
            null => $"there is no account {login} (autobuilder accounts list)",
            { Enabled: false } => $"account {login} is disabled{(account.DisabledReason is { } why ? $": {why}" : "")}",
            _ => null,
        };
    }

    private static string? Field(PackageRecord record, string field)
    {
        try
        {
            return ControlFile.ParseSingle(record.Stanza, record.Key)[field];
        }
        catch (Exception ex) when (ex is Debian.DebianFormatException or ArgumentException)
        {
            return null;
        }
    }

    private async Task<string> HeldVersionsAsync(string source)
    {
        var versions = await Distribution(Repository).GetSourceVersionsAsync(source);
        return versions.Count == 0 ? "" : $" (it holds {string.Join(", ", versions)})";
    }

    private async Task<RepositoryInfo> InfoAsync(string repository)
    {
        if (!_repositories.TryGetValue(repository, out var info))
            _repositories[repository] = info = await GrainFactory.GetGrain<IRepositoryGrain>(repository).GetInfoAsync();
        return info;
    }

    private IDistributionGrain Distribution(string repository) =>
        GrainFactory.GetGrain<IDistributionGrain>(StageConfiguration.DistributionKey(repository, Product));

    private QaAnswer NoStep() =>
        QaAnswer.Refused($"no QA step leaves {Repository} (the ladder: {(ladder.Steps.Count == 0 ? "none configured" : string.Join("; ", ladder.Steps.Select(s => s.Describe())))})");

    private static string Caller => VerifiedCaller.Actor ?? "the autobuilder";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: the excuses could not be made after {Published} generation {Generation} went live; the next read makes them")]
    private static partial void LogPrepareFailed(ILogger logger, string distribution, string published, long generation, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: the QA reminder could not be registered; run `autobuilder repo auto-promote` by hand")]
    private static partial void LogReminderFailed(ILogger logger, string distribution, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: {Login} voted {Value} on {Source} {Version}; karma {Karma}")]
    private static partial void LogVoted(ILogger logger, string distribution, string source, string version, string login, int value, int karma);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: the quarantine rules promoted {Promoted}, held {Held}")]
    private static partial void LogRulesRan(ILogger logger, string distribution, int promoted, int held);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source} {Version} promoted from {Distribution} to {Target}: {Rule}")]
    private static partial void LogPromoted(ILogger logger, string source, string version, string distribution, string target, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source} {Version} demoted from {Distribution}: {Reason}")]
    private static partial void LogDemoted(ILogger logger, string source, string version, string distribution, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source} {Version}: the demotion mail could not be sent")]
    private static partial void LogMailFailed(ILogger logger, string source, string version, Exception ex);
}
