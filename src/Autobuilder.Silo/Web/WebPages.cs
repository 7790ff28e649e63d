using Autobuilder.Grains;
using Autobuilder.BuildRunner;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Uploads;

namespace Autobuilder.Silo.Web;

/// <summary>
/// The pages, rendered on the server: each readable without JavaScript and at phone width. Each
/// page is one query of <see cref="WebReadModel"/> (no grain call per row). Action forms are
/// shown only to whom may use them; the actions check again (<see cref="WebActions"/>).
/// </summary>
public sealed class WebPages(WebReadModel model, WebOptions options, WebQa qa)
{
    /// <summary>The navigation's right end: who is logged in, their page, the operators' links, and the logout form.</summary>
    private string User(WebSession? s)
    {
        if (s is null)
            return "<a href=\"/login\">Log in</a>";
        var h = new Html();
        h.Link("/me", $"{s.Login} ({s.Role.Name()})").Raw(" ");
        if (s.Role >= WebRole.Operator)
        {
            h.Link("/audit", "Audit").Raw(" ");
            if (options.DashboardUrl.Length > 0)
                h.Link(options.DashboardUrl, "Dashboard").Raw(" ");
        }
        h.Form("/logout", s.Csrf, "Log out", cssClass: "logout");
        return h.Body;
    }

    public async Task<string> OverviewAsync(WebSession? session)
    {
        var scheduler = await model.SchedulerAsync();
        var uploads = await model.UploadsAsync(new UploadFilter(null, null, null, null, 20));
        var repositories = await model.RepositoriesAsync();
        var h = new Html();
        var architectures = scheduler.Waiting.Select(w => w.Architecture).Concat(scheduler.Running.Select(r => r.Architecture))
            .Concat(scheduler.Slots.SelectMany(s => s.Architectures)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        h.Table("Builds per architecture", ["Architecture", "Waiting", "Running"],
            architectures.Select(a => (IReadOnlyList<string>)[Html.Cell(a),
                Html.Cell(scheduler.Waiting.Count(w => w.Architecture == a).ToString()),
                Html.Cell(scheduler.Running.Count(r => r.Architecture == a).ToString())]), "No architecture has a slot or a build.");
        h.Table("Builder slots by state", ["State", "Slots"],
            scheduler.Slots.GroupBy(s => s.State).OrderBy(g => g.Key).Select(g => (IReadOnlyList<string>)[Html.Cell(g.Key.ToString()), Html.Cell(g.Count().ToString())]),
            "No builder slots.");
        h.Table("Recent uploads", ["Upload", "State", "Received", "Last step"], uploads.Select(UploadRow), "No uploads yet.");
        h.Table("Distributions", ["Distribution", "Live generation", "Last publish", "Binaries", "Sources", "Remote"],
            repositories.SelectMany(r => r.Distributions).Select(d => (IReadOnlyList<string>)[
                Html.CellLink(DistributionHref(d.Repository, d.Product), $"{d.Repository}/{d.Product}"), Html.Cell(d.LiveGeneration?.ToString() ?? "none"), Html.Cell(Html.Time(d.PublishedAt)),
                Html.Cell(d.BinaryPackages.ToString()), Html.Cell(d.SourcePackages.ToString()),
                Html.Cell(d.Remote is null ? "-" : d.RemoteInSync ? "in sync" : $"behind: {d.Remote.LastError ?? $"at generation {d.Remote.Generation}"}")]),
            "No distributions.");
        h.Raw("<p><a href=\"/uploads\">All uploads</a></p>");
        return h.Page("Overview", User(session));
    }

    public async Task<string> UploadsAsync(UploadFilter filter, WebSession? session)
    {
        var page = await model.UploadsPageAsync(filter);
        var uploads = page.Uploads;
        var h = new Html();
        h.Raw("<form class=\"filters\" method=\"get\" action=\"/uploads\">");
        Field(h, "q", "Search", filter.Text);
        Field(h, "source", "Source", filter.Source);
        Field(h, "uploader", "Uploader", filter.Uploader);
        Field(h, "since", "Received since (UTC date)", filter.Since?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        h.Raw("<label>Product<select name=\"product\"><option value=\"\">all</option>");
        foreach (var p in model.Products)
            h.Raw($"<option{(p == filter.Product ? " selected" : "")}>").Text(p).Raw("</option>");
        h.Raw("</select></label><label>State<select name=\"state\"><option value=\"\">all</option>");
        foreach (var s in Enum.GetNames<UploadState>())
            h.Raw($"<option{(string.Equals(s, filter.State, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>").Text(s).Raw("</option>");
        h.Raw("</select></label><button type=\"submit\">Filter</button></form>");
        if (filter.Text is { Length: > 0 })
            h.Element("p", $"A search looks among the {UploadQuery.SearchWindow:N0} uploads matching it that were recorded last (in role all); to go further back, filter by source, uploader or date without search.", "note");
        var first = filter.Offset + 1;
        h.Table(uploads.Count == 0 ? "No upload" : $"Uploads {first}-{filter.Offset + uploads.Count}, newest first", ["Upload", "State", "Received", "Last step"], uploads.Select(UploadRow), "No upload matches.");
        // Paging keeps the filters: the same query string with another offset.
        h.Raw("<nav class=\"pages\" aria-label=\"Pages\">");
        if (filter.Offset > 0)
            h.Raw($"<a rel=\"prev\" href=\"{Html.Encode(PageHref(filter, Math.Max(0, filter.Offset - filter.Limit)))}\">Newer</a> ");
        if (page.More)
            h.Raw($"<a rel=\"next\" href=\"{Html.Encode(PageHref(filter, filter.Offset + uploads.Count))}\">Older</a>");
        h.Raw("</nav>");
        return h.Page("Uploads", User(session));
    }

    private static string PageHref(UploadFilter f, int offset)
    {
        var q = new List<KeyValuePair<string, string?>>
        {
            new("q", f.Text), new("source", f.Source), new("uploader", f.Uploader), new("product", f.Product), new("state", f.State),
            new("since", f.Since?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)),
            new("limit", f.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        return "/uploads" + Microsoft.AspNetCore.Http.QueryString.Create(q.Where(kv => kv.Value is { Length: > 0 }));
    }

    private static void Field(Html h, string name, string label, string? value) =>
        h.Raw($"<label>{Html.Encode(label)}<input type=\"text\" name=\"{name}\" value=\"").Text(value).Raw("\" maxlength=\"200\"></label>");

    private static IReadOnlyList<string> UploadRow(UploadSummary u) =>
    [
        Html.CellLink(Html.UploadHref(u.Id), u.Id), Html.Cell(State(u)), Html.Cell(Html.Time(u.ReceivedAt)), Html.Cell(u.LastReason),
    ];

    private static string State(UploadSummary u) => u.Outcome is { } o && o != u.State ? $"{u.State} ({o})" : u.State.ToString();

    private static string Duration(TimeSpan? t) => t is { } v ? (v.TotalSeconds < 120 ? $"{v.TotalSeconds:0.0} s" : $"{v.TotalMinutes:0.0} min") : "-";

    private static string DistributionHref(string repository, string product) => $"/repositories/{Html.Segment(repository)}/{Html.Segment(product)}";

    public async Task<string?> UploadAsync(string id, WebSession? session)
    {
        var d = await model.UploadAsync(id);
        if (d is null)
            return null;
        var u = d.Summary;
        var h = new Html();
        h.Raw("<dl>");
        Pair(h, "State", State(u));
        Pair(h, "Product", u.Product);
        Pair(h, "Source", $"{u.Source} {u.Version}");
        Pair(h, "Received", Html.Time(u.ReceivedAt));
        Pair(h, "Uploader", d.Identity is { } i ? $"{i.Account ?? "no account"} ({i.How})" : "not verified");
        Pair(h, "Changed-By (unverified)", d.Uploader ?? "-");
        Pair(h, "Came through", UploadOrigin.Describe(d.Origin));
        h.Raw("</dl>");
        if (session is { Role: >= WebRole.Operator })
        {
            var href = Html.UploadHref(u.Id);
            h.Element("h2", "Actions");
            h.Form($"{href}/retry", session.Csrf, "Retry failed builds");
            h.Form($"{href}/cancel", session.Csrf, "Cancel builds", Html.Input("cancel-reason", "reason", "Reason"));
            h.Form($"{href}/rescore", session.Csrf, "Set priority", Html.Input("rescore-priority", "priority", "Priority", "0", "number"));
        }
        if (d.Problems.Count > 0)
        {
            h.Element("h2", "Why it was rejected");
            h.Raw("<ul>");
            foreach (var p in d.Problems)
                h.Element("li", p);
            h.Raw("</ul>");
        }
        h.Table("Builds", ["Architecture", "State", "Attempt", "Slot", "Outcome", "Started", "Duration", "Log"],
            d.Builds.Select(b => (IReadOnlyList<string>)[
                Html.Cell(b.Architecture), Html.Cell(b.State.ToString()), Html.Cell(b.Attempt.ToString()), Html.Cell(b.Slot ?? "-"),
                Html.Cell(b.Outcome is { } o ? $"{o}{(b.Summary is { Length: > 0 } s ? ": " + s : "")}" : "-"), Html.Cell(Html.Time(b.Started)),
                Html.Cell(b.Started is { } st ? Duration((b.Finished ?? DateTimeOffset.UtcNow) - st) + (b.Finished is null ? " so far" : "") : "-"),
                b.Started is null ? Html.Cell("-") : Html.CellLink($"{Html.UploadHref(u.Id)}/log/{Html.Segment(b.Architecture)}", b.State == BuildState.Running ? "live log" : "log")]),
            "No builds (the upload was not verified).");
        if (d.Latency is { } latency)
            h.Table("Latency", ["Leg", "Took"], latency.Legs().Select(l => (IReadOnlyList<string>)[Html.Cell(l.Leg), Html.Cell(Duration(l.Took))]), "");
        if (d.Publications is { Count: > 0 } publications)
        {
            h.Table("Published", ["Distribution", "Answer", "Generation", "Live since", "Packages"],
                publications.Select(p => (IReadOnlyList<string>)[
                    Html.CellLink(DistributionHref(p.Distribution.Split('/')[0], p.Distribution.Split('/').ElementAtOrDefault(1) ?? ""), p.Distribution),
                    Html.Cell(p.Published ? "published" : "rejected: " + string.Join("; ", p.Reasons)), Html.Cell(p.Generation?.ToString() ?? "-"),
                    Html.Cell(Html.Time(p.LiveAt)),
                    p.Published ? Html.CellLink(DistributionHref(p.Distribution.Split('/')[0], p.Distribution.Split('/').ElementAtOrDefault(1) ?? "") + "?from=" + Uri.EscapeDataString(u.Source) + "#src-" + Html.Segment(u.Source), $"{u.Source} {u.Version}") : Html.Cell("-")]),
                "");
        }
        // The upload's record of its mails: every mail, its addresses and subject, its tries and result.
        h.Table("Mails", ["Kind", "To", "Subject", "First tried", "Last tried", "Tries", "Result"], (d.Mails ?? []).Select(m => (IReadOnlyList<string>)[
                Html.Cell(m.Kind), Html.Cell(string.Join(", ", m.To) + (m.Cc.Count > 0 ? $" (cc {string.Join(", ", m.Cc)})" : "")), Html.Cell(m.Subject),
                Html.Cell(Html.Time(m.FirstTriedAt)), Html.Cell(Html.Time(m.LastTriedAt)), Html.Cell(m.Attempts.ToString()), Html.Cell(m.Result)]),
            "No mail recorded (none sent yet, or no mail configured).");
        h.Table("History", ["When", "From", "To", "Why"],
            d.History.Select(t => (IReadOnlyList<string>)[Html.Cell(Html.Time(t.At)), Html.Cell(t.From.ToString()), Html.Cell(t.To.ToString()), Html.Cell(t.Reason)]),
            "No history.");
        return h.Page($"Upload {u.Id}", User(session));
    }

    private static void Pair(Html h, string name, string? value) => h.Element("dt", name).Element("dd", value);

    /// <summary>Logs are shown up to this size on the page (the console's <c>uploads log</c> reads them whole).</summary>
    public const long LogPageBytes = 4L << 20;

    public async Task<string?> LogAsync(string id, string architecture, WebSession? session)
    {
        var (first, text, cut, last) = await model.LogAsync(id, architecture, LogPageBytes);
        if (first is null)
            return null;
        var h = new Html();
        h.Raw("<p>").Link(Html.UploadHref(id), $"Back to {id}").Raw("</p>");
        // A failed build: what went wrong first, the whole log after.
        var details = await model.UploadAsync(id);
        if (details?.Builds.FirstOrDefault(b => b.Architecture == first.Architecture) is { Diagnosis: { } diagnosis } build && build.Outcome != BuildOutcome.Success)
        {
            h.Raw("<section class=\"errors\" aria-labelledby=\"errors\"><h2 id=\"errors\">Error lines</h2>");
            h.Element("pre", string.Join('\n', diagnosis.ErrorLines) + (diagnosis.OmittedErrorLines > 0 ? $"\n… and {diagnosis.OmittedErrorLines} more" : ""));
            if (diagnosis.Diff is { Length: > 0 } diff)
                h.Element("h3", $"Against the last good build ({diagnosis.DiffAgainst})").Element("pre", diff);
            if (diagnosis.Note is { Length: > 0 } note)
                h.Element("p", note);
            h.Raw("</section><h2>Whole log</h2>");
        }
        var running = last?.Running ?? first.Running;
        if (running && !cut)
        {
            // The script polls the API from where this page ends; without it, reloading shows the new lines.
            var api = $"/api/v1{Html.UploadHref(id)}/log/{Html.Segment(first.Architecture)}";
            h.Raw("<p id=\"log-status\" class=\"status\" role=\"status\">The build is running: new lines appear below (reload the page without JavaScript).</p>");
            h.Raw($"<pre id=\"log\" data-follow=\"{Html.Encode(api)}\" data-next=\"{last?.NextOffset ?? first.NextOffset}\">").Text(text).Raw("</pre>");
        }
        else
        {
            h.Raw("<pre id=\"log\">").Text(text).Raw("</pre>");
        }
        if (cut)
            h.Element("p", $"The log goes on past {LogPageBytes >> 20} MiB; read it whole with: autobuilder uploads log {id} --arch {architecture}");
        return h.Page($"Log of {id} ({first.Architecture}, attempt {first.Attempt})", User(session), running && !cut ? "/static/log.js" : null);
    }

    /// <summary>
    /// Follows a running build's log: asks the API for what follows the last byte shown, twice a
    /// second, appends it as text (never as markup), and stops when the build has ended.
    /// </summary>
    public const string LogScript = """
        "use strict";
        (function () {
          var log = document.getElementById("log");
          var status = document.getElementById("log-status");
          if (!log || !log.dataset.follow) return;
          var url = log.dataset.follow, next = Number(log.dataset.next) || 0;
          function poll() {
            fetch(url + "?offset=" + next, { credentials: "same-origin", cache: "no-store" })
              .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
              .then(function (chunk) {
                if (chunk.text) log.appendChild(document.createTextNode(chunk.text));
                if (chunk.nextOffset > next) next = chunk.nextOffset;
                if (chunk.running || chunk.text) { setTimeout(poll, 500); return; }
                if (status) status.textContent = "The build has ended: reload the page for its result.";
              })
              .catch(function (e) { if (status) status.textContent = "Following stopped (" + e.message + "): reload the page."; });
          }
          setTimeout(poll, 300);
        })();
        """;

    public async Task<string> QueueAsync(WebSession? session)
    {
        var s = await model.QueueAsync();
        var h = new Html();
        h.Table("Waiting builds, in the order they are given out", ["Build", "Architecture", "Priority", "Attempt", "Queued", "Waits because"],
            s.Waiting.Select(w => (IReadOnlyList<string>)[BuildLink(w.BuildId), Html.Cell(w.Architecture), Html.Cell(w.Priority.ToString()),
                Html.Cell(w.Attempt.ToString()), Html.Cell(Html.Time(w.QueuedAt)), Html.Cell(w.Reason ?? "-")]), "No build is waiting.");
        h.Table("Running builds", ["Build", "Architecture", "Slot", "Attempt", "Since"],
            s.Running.Select(r => (IReadOnlyList<string>)[BuildLink(r.BuildId), Html.Cell(r.Architecture), Html.Cell(r.Slot ?? "-"),
                Html.Cell(r.Attempt.ToString()), Html.Cell(Html.Time(r.QueuedAt))]), "No build is running.");
        return h.Page("Queue", User(session));
    }

    /// <summary>A build id ("upload id/architecture") links to its upload's page.</summary>
    private static string BuildLink(string buildId)
    {
        return buildId.Contains('/') && UploadIds.UploadOfBuild(buildId) is { Length: > 0 } upload && UploadIds.IsValid(upload)
            ? Html.CellLink(Html.UploadHref(upload), buildId)
            : Html.Cell(buildId);
    }

    public async Task<string> BuildersAsync(WebSession? session)
    {
        var s = await model.SchedulerAsync();
        var h = new Html();
        h.Table("Builder slots", ["Slot", "Where", "State", "Architectures", "Current build", "Last heartbeat", "Failures in a row", "Why drained or offline"],
            s.Slots.OrderBy(x => x.Slot, StringComparer.Ordinal).Select(x => (IReadOnlyList<string>)[
                Html.Cell(x.Slot), Html.Cell(x.Where ?? "-"), Html.Cell(x.State.ToString()), Html.Cell(string.Join(", ", x.Architectures)),
                x.CurrentBuild is { } b ? BuildLink(b) + Html.Cell($" (attempt {x.Attempt})") : Html.Cell("-"), Html.Cell(Html.Time(x.LastHeartbeat)),
                Html.Cell(x.ConsecutiveFailures.ToString()), Html.Cell(x.Reason ?? "")]), "No builder slots.");
        // Each slot's last builds came with its status: still the one scheduler call.
        foreach (var x in s.Slots.Where(x => x.Recent is { Count: > 0 }).OrderBy(x => x.Slot, StringComparer.Ordinal))
        {
            h.Table($"Last builds on {x.Slot}", ["Upload", "Architecture", "Attempt", "Outcome", "Duration", "Ended"],
                x.Recent!.Reverse().Select(b => (IReadOnlyList<string>)[
                    Html.CellLink(Html.UploadHref(b.UploadId), b.UploadId), Html.Cell(b.Architecture), Html.Cell(b.Attempt.ToString()),
                    Html.Cell(b.Outcome.ToString()), Html.Cell(Duration(b.Duration)), Html.Cell(Html.Time(b.Ended))]), "No builds yet.");
        }
        return h.Page("Builders", User(session));
    }

    public async Task<string> RepositoriesAsync(WebSession? session)
    {
        var repositories = await model.RepositoriesAsync();
        var h = new Html();
        foreach (var r in repositories)
        {
            h.Element("h2", r.Name);
            h.Element("p", $"Architectures: {string.Join(", ", r.Architectures)}; " +
                           (r.AcceptsUploads ? "takes uploads from the builder" : "takes packages by promotion") +
                           (r.PromoteTo is { } to ? $"; promotes to {to}" + (r.PromoteAfterDays is { } days ? $" after {days} days" : "") : ""));
            h.Table($"Distributions of {r.Name}", ["Product", "Generation", "Live", "Published", "Binaries", "Sources", "Last error"],
                r.Distributions.Select(d => (IReadOnlyList<string>)[Html.CellLink(DistributionHref(d.Repository, d.Product), d.Product), Html.Cell(d.Generation.ToString()),
                    Html.Cell(d.LiveGeneration?.ToString() ?? "none"), Html.Cell(Html.Time(d.PublishedAt)), Html.Cell(d.BinaryPackages.ToString()),
                    Html.Cell(d.SourcePackages.ToString()), Html.Cell(d.LastError ?? "")]), "No distributions.");
        }
        return h.Page("Repositories", User(session));
    }

    public async Task<string?> DistributionAsync(string repository, string product, string? from, int limit, WebSession? session)
    {
        var view = await model.DistributionAsync(repository, product, from, limit);
        if (view is null)
            return null;
        var status = view.Details.Status;
        var h = new Html();
        h.Raw("<dl>");
        Pair(h, "Generation", status.Generation.ToString());
        Pair(h, "Live generation", status.LiveGeneration?.ToString() ?? "none");
        Pair(h, "Last publish", Html.Time(status.PublishedAt));
        Pair(h, "Promotes to", view.Repository.PromoteTo is { } to ? to + (view.Repository.PromoteAfterDays is { } days ? $" (after {days} days)" : "") : "-");
        Pair(h, "Promoted from", view.PromoteFrom.Count > 0 ? string.Join(", ", view.PromoteFrom) : "-");
        if (status.LastError is { } error)
            Pair(h, "Last error", error);
        h.Raw("</dl>");
        var admin = session is { Role: WebRole.Admin };
        h.Table($"Generations, newest first (each a rollback target but the live one; the newest {WebReadModel.GenerationsShown} of them)", ["Generation", "Published", "Packages", "What changed", admin ? "Roll back" : "Live"],
            status.History.OrderByDescending(p => p.Generation).Select(p => (IReadOnlyList<string>)[
                Html.Cell(p.Generation.ToString()), Html.Cell(Html.Time(p.At)), Html.Cell(p.Packages.ToString()), Html.Cell(p.Note),
                p.Generation == status.LiveGeneration ? Html.Cell("live")
                : admin ? new Html().Form($"{DistributionHref(repository, product)}/rollback", session!.Csrf, $"Roll back to {p.Generation}",
                    $"<input type=\"hidden\" name=\"generation\" value=\"{p.Generation}\">").Body
                : Html.Cell("")]),
            "Nothing published yet.");
        var operate = session is { Role: >= WebRole.Operator } && view.PromoteFrom.Count > 0;
        // The package list a page at a time, in name order (a distribution may hold 50,000 sources).
        var here = DistributionHref(repository, product);
        h.Raw($"<form class=\"filters\" method=\"get\" action=\"{Html.Encode(here)}\">");
        Field(h, "from", "Sources from (name)", from);
        h.Raw("<button type=\"submit\">Show</button></form>");
        h.Raw($"<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Packages\"><table><caption>Packages {Html.Encode(PackagesCaption(view.Details, from, status.SourcePackages))}</caption><thead><tr><th scope=\"col\">Source</th><th scope=\"col\">Version</th>")
            .Raw("<th scope=\"col\">Binaries</th><th scope=\"col\">Architectures</th><th scope=\"col\">Added</th></tr></thead><tbody>");
        foreach (var s in view.Details.Sources.OrderBy(s => s.Source, StringComparer.Ordinal))
        {
            h.Raw($"<tr id=\"src-{Html.Encode(Html.Segment(s.Source))}\"><td>").Link(WebQa.PackageHref(repository, product, s.Source), s.Source).Raw("</td><td>").Text(s.Version).Raw("</td><td>")
                .Text(string.Join(", ", s.Binaries)).Raw("</td><td>").Text(string.Join(", ", s.Architectures)).Raw("</td><td>").Text(Html.Time(s.AddedAt)).Raw("</td></tr>");
        }
        h.Raw("</tbody></table></div>");
        if (view.Details.Sources.Count == 0)
            h.Element("p", "No packages.", "empty");
        h.Raw("<nav class=\"pages\" aria-label=\"Package pages\">");
        var size = limit != WebReadModel.PackagesPage ? limit.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        if (from is not null)
            h.Raw($"<a href=\"{Html.Encode(here + (size is null ? "" : "?limit=" + size))}\">First</a> ");
        if (view.Details.Next is { } next)
            h.Raw($"<a rel=\"next\" href=\"{Html.Encode(here + "?from=" + Uri.EscapeDataString(next) + (size is null ? "" : "&limit=" + size))}\">Next: from ").Text(next).Raw("</a>");
        h.Raw("</nav>");
        // The QA ladder's candidates here and what holds each (issue 15); nothing when no step leaves this repository.
        h.Raw(await qa.CandidatesSectionAsync(repository, product, from, limit));
        if (operate)
        {
            h.Element("h2", "Promote into this distribution");
            h.Form($"{DistributionHref(repository, product)}/promote", session!.Csrf, "Promote",
                Html.Input("promote-source", "source", "Source") + Html.Input("promote-version", "version", "Version") + Html.Input("promote-from", "from", "From repository", view.PromoteFrom[0]));
        }
        if (status.Rejections.Count > 0)
            h.Table("Recent rejections", ["Rejection"], status.Rejections.Select(r => (IReadOnlyList<string>)[Html.Cell($"{Html.Time(r.At)} {r.Changes}: {string.Join("; ", r.Reasons)}")]), "");
        return h.Page($"{repository}/{product}", User(session));
    }

    private static string PackagesCaption(DistributionDetails details, string? from, int sources)
    {
        if (details.Sources.Count == 0)
            return from is null ? "" : $"(none from {from} on)";
        var range = $"{details.Sources[0].Source} to {details.Sources[^1].Source}";
        return $"({range}, of {sources} sources)";
    }

    public async Task<string?> AccountAsync(WebSession session)
    {
        var view = await model.AccountAsync(session.Login);
        if (view is null)
            return null;
        var a = view.Account;
        var h = new Html();
        h.Raw("<dl>");
        Pair(h, "Name", a.RealName);
        Pair(h, "E-mail", a.Email);
        Pair(h, "Web role", view.Role.Name());
        Pair(h, "Enabled", a.Enabled ? "yes" : $"no: {a.DisabledReason}");
        Pair(h, "Groups", a.Groups.Count > 0 ? string.Join(", ", a.Groups) : "-");
        h.Raw("</dl>");
        h.Table("Upload rights", ["Repository", "Product", "Source", "Granted to"],
            a.Rights.Select(r => (IReadOnlyList<string>)[Html.Cell(r.Repository), Html.Cell(r.Product), Html.Cell(r.Source ?? "any"), Html.Cell(r.Subject)]),
            "No upload rights.");
        h.Table("SSH keys", ["Fingerprint", "Type", "Comment", "Added"],
            a.SshKeys.Select(k => (IReadOnlyList<string>)[Html.Cell(k.Fingerprint), Html.Cell(k.Type), Html.Cell(k.Comment), Html.Cell(Html.Time(k.AddedAt))]), "No SSH keys.");
        h.Table("OpenPGP keys", ["Fingerprint", "User ids", "Expires", "Added"],
            a.OpenPgpKeys.Where(k => k.RemovedAt is null).Select(k => (IReadOnlyList<string>)[Html.Cell(k.Fingerprint), Html.Cell(string.Join("; ", k.UserIds)),
                Html.Cell(Html.Time(k.Expires)), Html.Cell(Html.Time(k.AddedAt))]), "No OpenPGP keys.");
        h.Table("HTTP tokens", ["Id", "Note", "Created", "Expires", "Revoked"],
            a.Tokens.Select(t => (IReadOnlyList<string>)[Html.Cell(t.Id), Html.Cell(t.Note), Html.Cell(Html.Time(t.CreatedAt)), Html.Cell(Html.Time(t.Expires)), Html.Cell(Html.Time(t.RevokedAt))]),
            "No tokens.");
        h.Table("Your uploads, newest first", ["Upload", "State", "Received", "Last step"], view.Uploads.Select(UploadRow), "No uploads from this account yet.");
        return h.Page($"Account {a.Login}", User(session));
    }

    public async Task<string> AuditAsync(WebSession session)
    {
        var entries = await model.AuditAsync(200);
        var h = new Html();
        h.Table("The newest 200 changes, newest first", ["When", "Who", "Role", "What", "Result"],
            entries.Select(e => (IReadOnlyList<string>)[Html.Cell(Html.Time(e.At)), Html.Cell(e.Who), Html.Cell(e.Role), Html.Cell(e.What), Html.Cell(e.Result)]),
            "No changes recorded.");
        return h.Page("Audit log", User(session));
    }
}
