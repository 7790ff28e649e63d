using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Autobuilder.Silo.Web;

/// <summary>
/// Builds a page: every value from an upload or a grain goes through <see cref="Text"/> (HTML
/// encoding), never spliced raw; links are built from encoded path segments.
/// </summary>
public sealed class Html
{
    private readonly StringBuilder _b = new();

    /// <summary>The markup built so far (to put inside a table cell or the navigation).</summary>
    public string Body => _b.ToString();

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary>An upload's page: its id's three parts, each escaped.</summary>
    public static string UploadHref(string id) => "/uploads/" + string.Join('/', id.Split('/').Select(Segment));

    public static string Time(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "-";

    public Html Raw(string markup)
    {
        _b.Append(markup);
        return this;
    }

    public Html Text(string? value)
    {
        _b.Append(Encode(value));
        return this;
    }

    public Html Element(string tag, string? text, string? cssClass = null)
    {
        _b.Append('<').Append(tag);
        if (cssClass is not null)
            _b.Append(" class=\"").Append(Encode(cssClass)).Append('"');
        _b.Append('>').Append(Encode(text)).Append("</").Append(tag).Append('>');
        return this;
    }

    public Html Link(string href, string? text)
    {
        _b.Append("<a href=\"").Append(Encode(href)).Append("\">").Append(Encode(text)).Append("</a>");
        return this;
    }

    /// <summary>A table: header cells, then rows of cells, each cell already markup (use <see cref="Cell"/> for text).</summary>
    public Html Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string empty)
    {
        var list = rows.ToList();
        if (list.Count == 0)
            return Element("p", empty, "empty");
        // A region that may scroll sideways (phones) is reachable by keyboard, and named for screen readers.
        _b.Append("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"").Append(Encode(caption)).Append("\"><table><caption>").Append(Encode(caption)).Append("</caption><thead><tr>");
        foreach (var h in headers)
            _b.Append("<th scope=\"col\">").Append(Encode(h)).Append("</th>");
        _b.Append("</tr></thead><tbody>");
        foreach (var row in list)
        {
            _b.Append("<tr>");
            foreach (var cell in row)
                _b.Append("<td>").Append(cell).Append("</td>");
            _b.Append("</tr>");
        }
        _b.Append("</tbody></table></div>");
        return this;
    }

    public static string Cell(string? text) => Encode(text);

    public static string CellLink(string href, string? text) => $"<a href=\"{Encode(href)}\">{Encode(text)}</a>";

    /// <summary>A form that POSTs to one of our actions: its anti-forgery token first, then the given fields and a button.</summary>
    public Html Form(string action, string csrf, string button, string fields = "", string? cssClass = "action")
    {
        _b.Append("<form method=\"post\" class=\"").Append(Encode(cssClass)).Append("\" action=\"").Append(Encode(action)).Append("\">")
            .Append("<input type=\"hidden\" name=\"csrf\" value=\"").Append(Encode(csrf)).Append("\">")
            .Append(fields).Append("<button type=\"submit\">").Append(Encode(button)).Append("</button></form>");
        return this;
    }

    /// <summary>A labelled text input for <see cref="Form"/> (the label is tied to it, for screen readers).</summary>
    public static string Input(string id, string name, string label, string value = "", string type = "text") =>
        $"<label for=\"{Encode(id)}\">{Encode(label)}</label><input id=\"{Encode(id)}\" name=\"{Encode(name)}\" type=\"{Encode(type)}\" value=\"{Encode(value)}\" maxlength=\"200\">";

    /// <summary>The whole document: language, viewport for phones, the stylesheet, the navigation, the title as h1.</summary>
    public string Page(string title, string? user = null, string? script = null)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append(" — Autobuilder</title>")
            .Append("<link rel=\"stylesheet\" href=\"/static/site.css\">")
            .Append(script is null ? "" : $"<script src=\"{Encode(script)}\" defer></script>").Append("</head><body>")
            .Append("<header><nav aria-label=\"main\"><a href=\"/\">Overview</a> <a href=\"/uploads\">Uploads</a> ")
            .Append("<a href=\"/queue\">Queue</a> <a href=\"/builders\">Builders</a> <a href=\"/repositories\">Repositories</a> ")
            .Append("<a href=\"/api/v1/openapi.json\">API</a> ").Append(user ?? "<a href=\"/login\">Log in</a>")
            .Append("</nav></header><main><h1>").Append(Encode(title)).Append("</h1>")
            .Append(_b).Append("</main></body></html>");
        return page.ToString();
    }

    public const string Stylesheet = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; line-height: 1.4; }
        header { background: #1d3557; padding: .5rem 1rem; }
        header a { color: #fff; margin-right: 1rem; text-decoration: none; font-weight: 600; }
        header a:focus, header a:hover { text-decoration: underline; }
        main { padding: 0 1rem 2rem; max-width: 72rem; }
        a { color: #0b4f9c; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; margin: .5rem 0 1.5rem; min-width: 100%; }
        caption { text-align: left; font-weight: 600; padding: .25rem 0; }
        th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #d0d0d0; vertical-align: top; }
        pre { background: #f4f4f4; padding: .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
        .empty { color: #555; }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: .5rem 0 1rem; }
        form.filters label { display: flex; flex-direction: column; font-size: .9rem; }
        dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; word-break: break-word; }
        header form { display: inline; }
        header button { background: none; border: 1px solid #fff; color: #fff; font: inherit; cursor: pointer; }
        form.action, form.stack { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: .4rem 0; }
        form.stack { flex-direction: column; align-items: stretch; max-width: 24rem; }
        input, select, button { font: inherit; padding: .25rem .4rem; }
        .errors { border-left: 4px solid #b00020; padding-left: .75rem; }
        .status { color: #444; }
        """;
}
