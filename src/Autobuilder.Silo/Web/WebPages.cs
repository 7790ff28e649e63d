using Autobuilder.Grains;

namespace Autobuilder.Silo.Web;

/// <summary>
/// The pages, rendered on the server: each readable without JavaScript and at phone width. Each
/// page is one query of <see cref="WebReadModel"/> (no grain call per row).
/// </summary>
public sealed class WebPages(WebReadModel model)
{
    public async Task<string> OverviewAsync()
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
                Html.Cell($"{d.Repository}/{d.Product}"), Html.Cell(d.LiveGeneration?.ToString() ?? "none"), Html.Cell(Html.Time(d.PublishedAt)),
                Html.Cell(d.BinaryPackages.ToString()), Html.Cell(d.SourcePackages.ToString()),
                Html.Cell(d.Remote is null ? "-" : d.RemoteInSync ? "in sync" : $"behind: {d.Remote.LastError ?? $"at generation {d.Remote.Generation}"}")]),
            "No distributions.");
        h.Raw("<p><a href=\"/uploads\">All uploads</a> · the Orleans dashboard, for operators, is served on its own port (Dashboard:Port).</p>");
        return h.Page("Overview");
    }

    public async Task<string> UploadsAsync(UploadFilter filter)
    {
        var uploads = await model.UploadsAsync(filter);
        var h = new Html();
        h.Raw("<form class=\"filters\" method=\"get\" action=\"/uploads\">");
        Field(h, "q", "Search", filter.Text);
        Field(h, "source", "Source", filter.Source);
        h.Raw("<label>Product<select name=\"product\"><option value=\"\">all</option>");
        foreach (var p in model.Products)
            h.Raw($"<option{(p == filter.Product ? " selected" : "")}>").Text(p).Raw("</option>");
        h.Raw("</select></label><label>State<select name=\"state\"><option value=\"\">all</option>");
        foreach (var s in Enum.GetNames<UploadState>())
            h.Raw($"<option{(string.Equals(s, filter.State, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>").Text(s).Raw("</option>");
        h.Raw("</select></label><button type=\"submit\">Filter</button></form>");
        h.Table($"{uploads.Count} upload(s), newest first", ["Upload", "State", "Received", "Last step"], uploads.Select(UploadRow), "No upload matches.");
        return h.Page("Uploads");
    }

    private static void Field(Html h, string name, string label, string? value) =>
        h.Raw($"<label>{Html.Encode(label)}<input type=\"text\" name=\"{name}\" value=\"").Text(value).Raw("\" maxlength=\"200\"></label>");

    private static IReadOnlyList<string> UploadRow(UploadSummary u) =>
    [
        Html.CellLink(Html.UploadHref(u.Id), u.Id), Html.Cell(State(u)), Html.Cell(Html.Time(u.ReceivedAt)), Html.Cell(u.LastReason),
    ];

    private static string State(UploadSummary u) => u.Outcome is { } o && o != u.State ? $"{u.State} ({o})" : u.State.ToString();

    public async Task<string?> UploadAsync(string id)
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
                Html.Cell(b.Started is { } st && b.Finished is { } fi ? $"{(fi - st).TotalSeconds:0} s" : "-"),
                b.Started is null ? Html.Cell("-") : Html.CellLink($"{Html.UploadHref(u.Id)}/log/{Html.Segment(b.Architecture)}", "log")]),
            "No builds (the upload was not verified).");
        h.Table("History", ["When", "From", "To", "Why"],
            d.History.Select(t => (IReadOnlyList<string>)[Html.Cell(Html.Time(t.At)), Html.Cell(t.From.ToString()), Html.Cell(t.To.ToString()), Html.Cell(t.Reason)]),
            "No history.");
        return h.Page($"Upload {u.Id}");
    }

    private static void Pair(Html h, string name, string? value) => h.Element("dt", name).Element("dd", value);

    /// <summary>Logs are shown up to this size on the page (the console's <c>uploads log</c> reads them whole).</summary>
    public const long LogPageBytes = 4L << 20;

    public async Task<string?> LogAsync(string id, string architecture)
    {
        var (first, text, cut) = await model.LogAsync(id, architecture, LogPageBytes);
        if (first is null)
            return null;
        var h = new Html();
        h.Raw("<p>").Link(Html.UploadHref(id), $"Back to {id}").Raw("</p>");
        if (first.Running)
            h.Element("p", "The build is running: reload the page for new lines.");
        h.Element("pre", text);
        if (cut)
            h.Element("p", $"The log goes on past {LogPageBytes >> 20} MiB; read it whole with: autobuilder uploads log {id} --arch {architecture}");
        return h.Page($"Log of {id} ({first.Architecture}, attempt {first.Attempt})");
    }

    public async Task<string> QueueAsync()
    {
        var s = await model.SchedulerAsync();
        var h = new Html();
        h.Table("Waiting builds, in the order they are given out", ["Build", "Architecture", "Priority", "Attempt", "Queued"],
            s.Waiting.Select(w => (IReadOnlyList<string>)[Html.Cell(w.BuildId), Html.Cell(w.Architecture), Html.Cell(w.Priority.ToString()),
                Html.Cell(w.Attempt.ToString()), Html.Cell(Html.Time(w.QueuedAt))]), "No build is waiting.");
        h.Table("Running builds", ["Build", "Architecture", "Slot", "Attempt", "Since"],
            s.Running.Select(r => (IReadOnlyList<string>)[Html.Cell(r.BuildId), Html.Cell(r.Architecture), Html.Cell(r.Slot ?? "-"),
                Html.Cell(r.Attempt.ToString()), Html.Cell(Html.Time(r.QueuedAt))]), "No build is running.");
        return h.Page("Queue");
    }

    public async Task<string> BuildersAsync()
    {
        var s = await model.SchedulerAsync();
        var h = new Html();
        h.Table("Builder slots", ["Slot", "Where", "State", "Architectures", "Current build", "Failures in a row", "Reason"],
            s.Slots.OrderBy(x => x.Slot, StringComparer.Ordinal).Select(x => (IReadOnlyList<string>)[
                Html.Cell(x.Slot), Html.Cell(x.Where ?? "-"), Html.Cell(x.State.ToString()), Html.Cell(string.Join(", ", x.Architectures)),
                Html.Cell(x.CurrentBuild ?? "-"), Html.Cell(x.ConsecutiveFailures.ToString()), Html.Cell(x.Reason ?? "")]), "No builder slots.");
        return h.Page("Builders");
    }

    public async Task<string> RepositoriesAsync()
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
                r.Distributions.Select(d => (IReadOnlyList<string>)[Html.Cell(d.Product), Html.Cell(d.Generation.ToString()),
                    Html.Cell(d.LiveGeneration?.ToString() ?? "none"), Html.Cell(Html.Time(d.PublishedAt)), Html.Cell(d.BinaryPackages.ToString()),
                    Html.Cell(d.SourcePackages.ToString()), Html.Cell(d.LastError ?? "")]), "No distributions.");
        }
        return h.Page("Repositories");
    }
}
