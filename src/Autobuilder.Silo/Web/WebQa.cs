using System.Globalization;
using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Autobuilder.Silo.HttpUpload;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Autobuilder.Silo.Web;

/// <summary>Who acts on the QA ladder from the pages or the API: the account, its web role as it is now, and the way in ("web", "api").</summary>
public sealed record QaActor(string Login, WebRole Role, string Via)
{
    /// <summary>How the grains and the audit log name the person: "alice (web)".</summary>
    public string Name => $"{Login} ({Via})";
}

/// <summary>A vote sent to the API: +1 or -1 (a -1 needs a comment; blocker marks a -1 that holds the package).</summary>
public sealed record QaVoteBody(string Source, string Version, int Vote, string? Comment, bool Blocker = false);

/// <summary>A promotion request sent to the API: the version this distribution holds, to move one rung up.</summary>
public sealed record QaRequestBody(string Source, string Version);

/// <summary>An operator voiding a voter's open vote on a source, with the reason recorded.</summary>
public sealed record QaVoidBody(string Source, string Voter, string Reason);

/// <summary>
/// The QA ladder (issue 15) on the pages and the API: a package's page in a distribution (its
/// karma, votes with comments, what holds it, the decisions), the distribution page's list of
/// candidates with their excuses, and the three acts — a vote (any logged-in account, not on its
/// own package), a promotion request (its maintainer or an operator), voiding a vote (an
/// operator). The acts check the account's role as it is now, name the person to the grain
/// (<see cref="VerifiedCaller.OnBehalfOf"/>) so its records say who, and write the audit log.
/// Forms carry the session's anti-forgery token; API writes authenticate with an account's HTTP
/// token (Basic), never with the cookie.
/// </summary>
public sealed class WebQa(IGrainFactory grains, WebSessions sessions, TimeProvider time)
{
    private const long MaxFormBytes = 16 * 1024;
    private const int MaxComment = 1000;

    public static string PackageHref(string repository, string product, string source) =>
        $"/repositories/{Html.Segment(repository)}/{Html.Segment(product)}/qa/{Html.Segment(source)}";

    public void Map(IEndpointRouteBuilder e)
    {
        e.MapGet("/repositories/{repository}/{product}/qa/{source}", async (string repository, string product, string source, HttpContext c) =>
            await PackagePageAsync(repository, product, source, c.Items[WebHosting.SessionItem] as WebSession) is { } page
                ? WebHosting.Html(page)
                : Results.Content(new Html().Element("p", "no such distribution or package").Page("Not found"), "text/html; charset=utf-8", statusCode: 404));
        e.MapPost("/repositories/{repository}/{product}/qa/{source}/{action:regex(^(vote|request|void)$)}",
            (string repository, string product, string source, string action, HttpContext c) => FormActionAsync(repository, product, source, action, c));
    }

    /// <summary>The distribution's QA record, or null when there is no such distribution (no grain is woken for a made-up name).</summary>
    public async Task<QaExcuses?> ExcusesAsync(string repository, string product, string? source)
    {
        if (!await KnownAsync(repository, product))
            return null;
        return await grains.GetGrain<IQaGrain>($"{repository}/{product}").GetExcusesAsync(source is { Length: > 0 and <= 200 } s ? s : null);
    }

    private async Task<bool> KnownAsync(string repository, string product) =>
        (await grains.GetGrain<IRepositoriesGrain>(0).ListAsync()).Any(r => r.Name == repository && r.Products.Contains(product, StringComparer.Ordinal));

    // ---- the acts ----

    public async Task<QaAnswer> VoteAsync(QaActor actor, string distribution, QaVoteBody vote)
    {
        var value = vote.Vote > 0 ? "+1" : "-1";
        return await ActAsync(actor, $"IQaGrain.VoteAsync([{distribution}], {vote.Source} {vote.Version} {value}{(vote.Blocker ? " blocker" : "")}, {vote.Comment})",
            () => grains.GetGrain<IQaGrain>(distribution).VoteAsync(new QaVote(vote.Source, vote.Version, actor.Login, vote.Vote, vote.Comment ?? "", vote.Blocker)));
    }

    public async Task<QaAnswer> RequestAsync(QaActor actor, string distribution, QaRequestBody request)
    {
        // An operator asks as an operator; anyone else as the package's maintainer, which the grain checks.
        var login = actor.Role >= WebRole.Operator ? null : actor.Login;
        return await ActAsync(actor, $"IQaGrain.RequestPromotionAsync([{distribution}], {request.Source} {request.Version})",
            () => grains.GetGrain<IQaGrain>(distribution).RequestPromotionAsync(new PromotionRequest(request.Source, request.Version, login)));
    }

    public async Task<QaAnswer> VoidAsync(QaActor actor, string distribution, QaVoidBody body)
    {
        if (actor.Role < WebRole.Operator)
            return QaAnswer.Refused($"{actor.Login} has the web role {actor.Role.Name()}; voiding a vote needs operator (autobuilder accounts role set {actor.Login} operator)");
        return await ActAsync(actor, $"IQaGrain.VoidVoteAsync([{distribution}], {body.Source}, {body.Voter}, {body.Reason})",
            () => grains.GetGrain<IQaGrain>(distribution).VoidVoteAsync(body.Source, body.Voter, body.Reason));
    }

    /// <summary>Calls the grain naming the person, and records what was done and its answer in the audit log.</summary>
    private async Task<QaAnswer> ActAsync(QaActor actor, string what, Func<Task<QaAnswer>> act)
    {
        QaAnswer answer;
        RequestContext.Set(VerifiedCaller.OnBehalfKey, actor.Name);
        try
        {
            answer = await act();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TimeoutException)
        {
            answer = QaAnswer.Refused($"error: {ex.Message}");
        }
        finally
        {
            RequestContext.Remove(VerifiedCaller.OnBehalfKey);
        }
        var result = $"{(answer.Ok ? "ok" : "refused")}: {answer.Describe()}";
        await grains.GetGrain<IAuditLogGrain>(0).RecordAsync(new AuditEntry(time.GetUtcNow(), actor.Login, $"{actor.Role.Name()} ({actor.Via})",
            what.Length > 500 ? what[..500] + "…" : what, result.Length > 300 ? result[..300] + "…" : result));
        return answer;
    }

    /// <summary>The account's role now (lowered or disabled since the login counts at once), or null.</summary>
    private async Task<WebRole?> RoleNowAsync(string login)
    {
        var account = await grains.GetGrain<IAccountDirectoryGrain>(0).GetAsync(login);
        return account is { Enabled: true } ? await grains.GetGrain<IWebLoginGrain>(0).RoleAsync(login) : null;
    }

    // ---- the API's writes ----

    /// <summary>The API's writer: an account's HTTP token (Basic login:token), checked now; or a refusal saying why.</summary>
    public async Task<(QaActor? Actor, IResult? Refusal)> ApiActorAsync(HttpContext c)
    {
        if (HttpUploadAuth.Offered(c.Request) is not { } offered)
            return (null, ApiError(401, "API writes need an account's HTTP token: Authorization: Basic base64(LOGIN:TOKEN) (autobuilder accounts token add LOGIN)"));
        if (await HttpUploadAuth.VerifyAsync(grains, offered) is not { } login)
            return (null, ApiError(401, "the login or its token is wrong, revoked or expired, or the account is disabled"));
        if (await RoleNowAsync(login) is not { } role)
            return (null, ApiError(403, $"account {login} has no web role now"));
        return (new QaActor(login, role, "api"), null);
    }

    public async Task<IResult> ApiAsync<T>(HttpContext c, Func<QaActor, string, T, Task<QaAnswer>> act) where T : class
    {
        var repository = (string)c.Request.RouteValues["repository"]!;
        var product = (string)c.Request.RouteValues["product"]!;
        var (actor, refusal) = await ApiActorAsync(c);
        if (refusal is not null)
            return refusal;
        if (!await KnownAsync(repository, product))
            return ApiError(404, "no such distribution");
        T? body;
        if (c.Request.ContentLength > MaxFormBytes || !c.Request.HasJsonContentType())
            return ApiError(400, $"send a JSON body (Content-Type: application/json) of at most {MaxFormBytes} bytes");
        // A body sent in chunks names no length: the server stops reading it past the limit.
        if (c.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxFormBytes;
        try
        {
            body = await c.Request.ReadFromJsonAsync<T>(WebHosting.Json);
        }
        catch (JsonException ex)
        {
            return ApiError(400, $"the body is not the JSON this route takes: {ex.Message}");
        }
        catch (BadHttpRequestException ex)
        {
            return ApiError(400, $"the body could not be read: {ex.Message}");
        }
        if (body is null)
            return ApiError(400, "empty body");
        if (Invalid(body) is { } why)
            return ApiError(400, why);
        var answer = await act(actor!, $"{repository}/{product}", body);
        return Results.Json(answer, WebHosting.Json, statusCode: answer.Ok ? 200 : 409);
    }

    /// <summary>What is wrong with a body's fields, in words, or null.</summary>
    private static string? Invalid(object body) => body switch
    {
        QaVoteBody v when Bad(v.Source) || Bad(v.Version) => "name the source and the version voted on",
        QaVoteBody v when v.Vote is not (1 or -1) => $"a vote is 1 or -1, not {v.Vote}",
        QaVoteBody v when (v.Comment?.Length ?? 0) > MaxComment => $"a comment is at most {MaxComment} characters",
        QaRequestBody r when Bad(r.Source) || Bad(r.Version) => "name the source and the version to promote",
        QaVoidBody d when Bad(d.Source) || Bad(d.Voter) => "name the source and the voter whose vote is voided",
        QaVoidBody d when (d.Reason?.Length ?? 0) > MaxComment => $"a reason is at most {MaxComment} characters",
        _ => null,
    };

    private static bool Bad(string? text) => text is not { Length: > 0 and <= 200 };

    private static IResult ApiError(int status, string why) => Results.Json(new { error = why }, WebHosting.Json, statusCode: status);

    // ---- the pages' forms ----

    private async Task<IResult> FormActionAsync(string repository, string product, string source, string action, HttpContext c)
    {
        var back = PackageHref(repository, product, source);
        if (sessions.Current(c) is not { } session)
            return Refused(401, "Log in first", $"To {Verb(action)} you must log in: /login", back);
        IFormCollection? form = null;
        if (c.Request.HasFormContentType && c.Request.ContentLength is > 0 and <= MaxFormBytes)
            form = await c.Request.ReadFormAsync();
        if (form is null || !WebSessions.CsrfMatches(session, form[WebSessions.CsrfField]))
            return Refused(403, "Refused", "The form's anti-forgery token is missing or wrong: reload the page and use its button.", back);
        if (await RoleNowAsync(session.Login) is not { } role)
            return Refused(403, "Refused", $"{session.Login} is disabled or removed: it may not {Verb(action)}.", back);
        if (!await KnownAsync(repository, product) || Bad(source))
            return Refused(404, "Not found", "no such distribution", "/repositories");
        var actor = new QaActor(session.Login, role, "web");
        var distribution = $"{repository}/{product}";
        var version = form["version"].ToString();
        QaAnswer answer;
        switch (action)
        {
            case "vote":
                var comment = form["comment"].ToString().Trim();
                var value = form["vote"].ToString() switch { "+1" or "1" => 1, "-1" => -1, _ => 0 };
                if (value == 0 || Bad(version) || comment.Length > MaxComment)
                    return Refused(400, "Refused", $"Choose +1 or -1, for the version shown, with a comment of at most {MaxComment} characters.", back);
                answer = await VoteAsync(actor, distribution, new QaVoteBody(source, version, value, comment, form["blocker"].ToString() == "on" && value < 0));
                break;
            case "request":
                if (Bad(version))
                    return Refused(400, "Refused", "Name the version to promote.", back);
                answer = await RequestAsync(actor, distribution, new QaRequestBody(source, version));
                break;
            default:
                var reason = form["reason"].ToString().Trim();
                var voter = form["voter"].ToString();
                if (Bad(voter) || reason.Length is 0 or > MaxComment)
                    return Refused(400, "Refused", "Voiding a vote needs a reason (what the operator found).", back);
                answer = await VoidAsync(actor, distribution, new QaVoidBody(source, voter, reason));
                break;
        }
        var h = new Html();
        h.Element("p", answer.Message, answer.Ok ? "status" : "errors");
        if (answer.Reasons.Count > 0)
        {
            h.Raw("<ul class=\"errors\">");
            foreach (var r in answer.Reasons)
                h.Element("li", $"{r.Kind}: {r.Text}");
            h.Raw("</ul>");
        }
        h.Raw("<p>").Link(back, $"Back to {source}").Raw("</p>");
        return Results.Content(h.Page(answer.Ok ? "Done" : "Refused"), "text/html; charset=utf-8", statusCode: answer.Ok ? 200 : 409);
    }

    private static string Verb(string action) => action switch { "vote" => "vote", "request" => "request a promotion", _ => "void a vote" };

    private static IResult Refused(int status, string title, string why, string back) =>
        Results.Content(new Html().Element("p", why).Raw("<p>").Link(back, "Back").Raw(" <a href=\"/login\">Log in</a></p>").Page(title),
            "text/html; charset=utf-8", statusCode: status);

    // ---- the pages ----

    /// <summary>The distribution page's section: the step leaving it and each candidate with what holds it (empty when no step leaves it).</summary>
    /// <summary>The candidates among the sources of one page of the distribution's package list (<paramref name="from"/>, <paramref name="limit"/>).</summary>
    public async Task<string> CandidatesSectionAsync(string repository, string product, string? from, int limit)
    {
        var excuses = await grains.GetGrain<IQaGrain>($"{repository}/{product}").GetExcusesPageAsync(from, limit);
        if (excuses.Step is null)
            return "";
        var h = new Html();
        h.Raw("<h2 id=\"candidates\">Candidates for ").Text(excuses.To).Raw("</h2>");
        h.Element("p", $"The rule: {excuses.Step}." + (excuses.LastRun is { } run ? $" The rules last ran at {Html.Time(run)}." : ""));
        h.Table($"What holds each candidate from {excuses.To} (of the packages listed above)", ["Source", "Version", "In target", "Days in", "Karma", "Excuses"],
            excuses.Packages.Select(p => (IReadOnlyList<string>)[
                Html.CellLink(PackageHref(repository, product, p.Source), p.Source), Html.Cell(p.Version), Html.Cell(p.TargetVersion ?? "-"),
                Html.Cell(p.DaysIn?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-"), Html.Cell(p.Karma.ToString(CultureInfo.InvariantCulture)),
                Reasons(p)]),
            "No candidates: nothing here waits to move up.");
        return h.Body;
    }

    private static string Reasons(QaExcuse p)
    {
        var h = new Html();
        if (p.Reasons.Count == 0)
            h.Text(p.Requested is { } r && r.StartsWith("promoted", StringComparison.Ordinal) ? r : "nothing holds it: it moves at the next run");
        else
        {
            h.Raw("<ul>");
            foreach (var reason in p.Reasons)
                h.Element("li", reason.Text);
            h.Raw("</ul>");
        }
        return h.Body;
    }

    /// <summary>One package's page in a distribution: its excuse toward the next rung, its votes, the forms; null when there is no such distribution or package.</summary>
    public async Task<string?> PackagePageAsync(string repository, string product, string source, WebSession? session)
    {
        if (Bad(source) || !await KnownAsync(repository, product))
            return null;
        var key = $"{repository}/{product}";
        var versions = await grains.GetGrain<IDistributionGrain>(key).GetSourceVersionsAsync(source);
        var qa = grains.GetGrain<IQaGrain>(key);
        var excuses = await qa.GetExcusesAsync(source);
        var votes = await qa.GetVotesAsync(source);
        if (versions.Count == 0 && excuses.Packages.Count == 0 && votes.Version is null)
            return null;
        var excuse = excuses.Packages.FirstOrDefault(p => p.Source == source);
        var version = versions.Count > 0 ? versions[0] : excuse?.Version ?? votes.Version ?? "";
        var karma = votes.Current.Where(v => v.Open && v.Version == version).Sum(v => v.Value);
        var byRequest = excuses.Step?.Contains("by request", StringComparison.Ordinal) == true;

        var h = new Html();
        h.Raw("<p>").Link($"/repositories/{Html.Segment(repository)}/{Html.Segment(product)}", $"Back to {key}").Raw("</p>");
        h.Raw("<dl>");
        Pair(h, "Version here", versions.Count > 0 ? string.Join(", ", versions) : "none (it left)");
        Pair(h, "Next rung", excuses.Step ?? "none: no QA step leaves this repository");
        if (excuse is not null)
        {
            Pair(h, $"In {excuses.To}", excuse.TargetVersion ?? "no version yet");
            if (excuse.DaysIn is { } days)
                Pair(h, "Days here", days.ToString("0.##", CultureInfo.InvariantCulture));
            if (excuse.Requested is { } requested)
                Pair(h, "Request", requested);
        }
        if (!byRequest && excuses.Step is not null)
            Pair(h, "Karma", $"{karma} (round {Math.Max(1, votes.Round)})");
        h.Raw("</dl>");

        h.Raw("<h2 id=\"excuses\">What holds it</h2>");
        if (excuses.Step is null)
            h.Element("p", "No QA step leaves this repository.", "empty");
        else if (excuse is null)
            h.Element("p", byRequest ? $"No promotion was requested for {source} yet." : $"{source} is not a candidate: {excuses.To} holds this version already.", "empty");
        else if (excuse.Reasons.Count == 0)
            h.Element("p", excuse.Requested is { } r && r.StartsWith("promoted", StringComparison.Ordinal) ? r : "Nothing holds it: it moves at the next run.", "status");
        else
        {
            h.Raw("<ul class=\"errors\">");
            foreach (var reason in excuse.Reasons)
                h.Raw("<li>").Element("strong", reason.Kind).Text(": " + reason.Text).Raw("</li>");
            h.Raw("</ul>");
        }

        var operate = session is { Role: >= WebRole.Operator };
        var rows = votes.Current.Concat(votes.EarlierOpenBlockers).Select((v, i) => (IReadOnlyList<string>)[
            Html.Cell(v.Login), Html.Cell(v.Value > 0 ? "+1" : "-1" + (v.Blocker ? " (blocker)" : "")), Html.Cell(v.Comment), Html.Cell($"{v.Version}, round {v.Round}"),
            Html.Cell(Html.Time(v.At)), Html.Cell(v.EnteredBy),
            v.Open ? (operate ? VoidForm(repository, product, source, session!, v.Login, i) : Html.Cell("open")) : Html.Cell($"void: {v.VoidedReason} ({v.VoidedBy})")]);
        h.Table($"Votes on {source}", ["Voter", "Vote", "Comment", "On", "When", "Entered by", operate ? "Open / void" : "State"], rows,
            byRequest ? "Votes are taken in the testing repository." : "No votes yet.");

        var decisions = excuses.Decisions.Where(d => d.Source == source).Reverse().ToList();
        h.Table("Decisions, newest first", ["When", "What", "Version", "To", "Rule or reason", "By"],
            decisions.Select(d => (IReadOnlyList<string>)[Html.Cell(Html.Time(d.At)), Html.Cell(d.Kind), Html.Cell(d.Version), Html.Cell(d.To ?? "-"), Html.Cell(d.Rule), Html.Cell(d.By)]),
            "No decisions yet.");

        if (session is null)
            h.Raw("<p><a href=\"/login\">Log in</a> to vote or to request a promotion.</p>");
        else if (excuses.Step is not null && versions.Count > 0)
        {
            var action = PackageHref(repository, product, source);
            var hidden = $"<input type=\"hidden\" name=\"version\" value=\"{Html.Encode(version)}\">";
            if (!byRequest)
            {
                h.Element("h2", $"Your vote on {source} {version}");
                h.Element("p", "A -1 says what is wrong (a reproducible crash, battery drain, a security risk, a missing advertised feature); mark it a blocker when it must hold the package. You cannot vote on your own packages.");
                h.Form($"{action}/vote", session.Csrf, "Vote", hidden +
                    "<fieldset><legend>Vote</legend><label><input type=\"radio\" name=\"vote\" value=\"+1\" checked> +1 works for me</label> " +
                    "<label><input type=\"radio\" name=\"vote\" value=\"-1\"> -1 has a problem</label></fieldset>" +
                    $"<label for=\"vote-comment\">Comment (required for -1)</label><textarea id=\"vote-comment\" name=\"comment\" maxlength=\"{MaxComment}\" rows=\"3\"></textarea>" +
                    "<label><input type=\"checkbox\" name=\"blocker\" id=\"vote-blocker\"> blocker (a -1 that holds it)</label>", "stack");
            }
            if (byRequest || excuses.Step.Contains("maintainer confirms", StringComparison.Ordinal))
            {
                h.Element("h2", byRequest ? $"Request the promotion of {source} {version}" : $"Confirm the promotion of {source} {version}");
                h.Element("p", $"The maintainer (the account that owns or uploaded {source}) or an operator may ask; the automatic checks run and the answer lists every failed one.");
                h.Form($"{action}/request", session.Csrf, byRequest ? "Request promotion" : "Confirm promotion", hidden);
            }
        }
        return h.Page($"{source} in {key}", UserLine(session));
    }

    private static string VoidForm(string repository, string product, string source, WebSession session, string voter, int index) =>
        new Html().Form($"{PackageHref(repository, product, source)}/void", session.Csrf, $"Void {voter}'s vote",
            $"<input type=\"hidden\" name=\"voter\" value=\"{Html.Encode(voter)}\">" + Html.Input($"void-reason-{index}", "reason", "Reason")).Body;

    private static void Pair(Html h, string name, string? value) => h.Element("dt", name).Element("dd", value);

    /// <summary>The navigation's right end, as the other pages have it (kept short: the account's page and the logout button).</summary>
    private static string UserLine(WebSession? s)
    {
        if (s is null)
            return "<a href=\"/login\">Log in</a>";
        var h = new Html();
        h.Link("/me", $"{s.Login} ({s.Role.Name()})").Raw(" ");
        if (s.Role >= WebRole.Operator)
            h.Link("/audit", "Audit").Raw(" ");
        h.Form("/logout", s.Csrf, "Log out", cssClass: "logout");
        return h.Body;
    }
}
