using System.Globalization;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.HttpUpload;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Autobuilder.Silo.Web;

/// <summary>
/// Logging in and out, and the operator actions of the pages (retry, cancel, rescore, promote,
/// rollback). Every POST has passed the Origin check (<see cref="WebHosting"/>); each form here also
/// carries its anti-forgery token, and each action checks the account's role as it is now (not
/// as it was at login) before it calls the grain, then writes the audit log with the web user's
/// name: the grain sees the silo as its caller, so the access filter cannot name the person.
/// </summary>
public sealed class WebActions(IGrainFactory grains, WebReadModel model, WebSessions sessions, WebOptions options, TimeProvider time)
{
    private readonly LoginThrottle _throttle = new(time, options.MaxFailedLogins);

    /// <summary>Forms are small: anything larger is refused before it is read.</summary>
    private const long MaxFormBytes = 16 * 1024;

    public void Map(IEndpointRouteBuilder e)
    {
        e.MapGet("/login", LoginPage);
        e.MapPost("/login", (Delegate)LoginAsync);
        e.MapPost("/logout", (Delegate)LogoutAsync);
        e.MapPost("/uploads/{product}/{nameVersion}/{sequence}/{action:regex(^(retry|cancel|rescore)$)}",
            (string product, string nameVersion, string sequence, string action, HttpContext c) => UploadActionAsync($"{product}/{nameVersion}/{sequence}", action, c));
        e.MapPost("/repositories/{repository}/{product}/{action:regex(^(promote|rollback)$)}",
            (string repository, string product, string action, HttpContext c) => DistributionActionAsync(repository, product, action, c));
    }

    private IResult LoginPage(HttpContext c)
    {
        var h = new Html();
        if (sessions.Current(c) is { } s)
            h.Element("p", $"You are logged in as {s.Login} ({s.Role.Name()}).");
        h.Raw("<form class=\"stack\" method=\"post\" action=\"/login\">")
            .Raw($"<input type=\"hidden\" name=\"{WebSessions.CsrfField}\" value=\"").Text(sessions.LoginToken(c)).Raw("\">")
            .Raw("<label for=\"login\">Login</label><input id=\"login\" name=\"login\" type=\"text\" autocomplete=\"username\" required maxlength=\"64\">")
            .Raw("<label for=\"secret\">Password or token</label><input id=\"secret\" name=\"secret\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"1024\">")
            .Raw("<button type=\"submit\">Log in</button></form>")
            .Element("p", "A token comes from 'autobuilder accounts token add LOGIN'; a password from 'autobuilder accounts password set LOGIN'.");
        return WebHosting.Html(h.Page("Log in"));
    }

    private async Task<IResult> LoginAsync(HttpContext c)
    {
        if (await FormAsync(c) is not { } form)
            return Refused(400, "Not a login form", "The request is not a small form.");
        if (!WebSessions.LoginTokenMatches(c, form[WebSessions.CsrfField]))
            return Refused(403, "Refused", "The login form's anti-forgery token is missing or does not match: open the login page again and send it from there.");
        var login = form["login"].ToString().Trim();
        var secret = form["secret"].ToString();
        var address = c.Connection.RemoteIpAddress?.ToString() ?? "?";
        if (_throttle.Blocked(address, login) is { } wait)
            return Refused(429, "Too many tries", $"Too many failed logins for '{login}' from here: try again in {Math.Ceiling(wait.TotalSeconds)} s.");
        if (!AccountNames.IsValidLogin(login) || secret.Length is 0 or > WebPassword.MaximumLength || !await VerifyAsync(login, secret))
        {
            _throttle.Failed(address, login);
            // One answer for every failure, so it tells a guesser nothing about which part was wrong.
            return Refused(401, "Login failed", "The login, or its password or token, is wrong, or the account is disabled.");
        }
        var role = await grains.GetGrain<IWebLoginGrain>(0).RoleAsync(login);
        await sessions.StartAsync(c, login, role);
        return Results.Redirect("/me", permanent: false, preserveMethod: false);
    }

    private async Task<bool> VerifyAsync(string login, string secret)
    {
        if (await HttpUploadAuth.VerifyAsync(grains, (login, secret)) == login)
            return true;
        return await grains.GetGrain<IWebLoginGrain>(0).VerifyPasswordAsync(login, secret)
               && await grains.GetGrain<IAccountDirectoryGrain>(0).GetAsync(login) is { Enabled: true };
    }

    private async Task<IResult> LogoutAsync(HttpContext c)
    {
        if (sessions.Current(c) is { } s && await FormAsync(c) is { } form && WebSessions.CsrfMatches(s, form[WebSessions.CsrfField]))
            await sessions.EndAsync(c);
        else if (sessions.Current(c) is not null)
            return Refused(403, "Refused", "The logout form's anti-forgery token is missing or wrong: use the page's logout button.");
        return Results.Redirect("/", permanent: false, preserveMethod: false);
    }

    private async Task<IResult> UploadActionAsync(string id, string action, HttpContext c)
    {
        var (session, form, refusal) = await AuthorizeAsync(c, WebRole.Operator, $"{action} an upload");
        if (refusal is not null)
            return refusal;
        if (await model.UploadAsync(id) is null)
            return Refused(404, "Not found", "no such upload");
        var upload = grains.GetGrain<IUploadGrain>(id);
        var by = $"{session!.Login} (web)";
        switch (action)
        {
            case "retry":
                return await AuditedAsync(session, $"IUploadGrain.RetryAsync([{id}])", Html.UploadHref(id), async () => "ok: " + await upload.RetryAsync());
            case "cancel":
                var reason = form!["reason"].ToString().Trim() is { Length: > 0 and <= 500 } r ? r : "cancelled from the web pages";
                return await AuditedAsync(session, $"IUploadGrain.CancelAsync([{id}], {reason}, {by})", Html.UploadHref(id), async () => "ok: " + await upload.CancelAsync(reason, by));
            default:
                if (!int.TryParse(form!["priority"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority) || priority is < -1000 or > 1000)
                    return Refused(400, "Refused", "The priority must be a whole number from -1000 to 1000.");
                return await AuditedAsync(session, $"IUploadGrain.RescoreAsync([{id}], {priority}, {by})", Html.UploadHref(id), async () => "ok: " + await upload.RescoreAsync(priority, by));
        }
    }

    private async Task<IResult> DistributionActionAsync(string repository, string product, string action, HttpContext c)
    {
        // Rolling back replaces what apt sees: the console needs an admin for it too.
        var needed = action == "rollback" ? WebRole.Admin : WebRole.Operator;
        var (session, form, refusal) = await AuthorizeAsync(c, needed, $"{action} in {repository}/{product}");
        if (refusal is not null)
            return refusal;
        var back = $"/repositories/{Html.Segment(repository)}/{Html.Segment(product)}";
        var repositories = await grains.GetGrain<IRepositoriesGrain>(0).ListAsync();
        if (repositories.FirstOrDefault(r => r.Name == repository) is not { } info || !info.Products.Contains(product))
            return Refused(404, "Not found", "no such distribution");
        if (action == "rollback")
        {
            if (!long.TryParse(form!["generation"], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
                return Refused(400, "Refused", "Name the generation to roll back to (a number).");
            var distribution = grains.GetGrain<IDistributionGrain>($"{repository}/{product}");
            return await AuditedAsync(session!, $"IDistributionGrain.RollbackAsync([{repository}/{product}], {generation})", back,
                async () => Message(await distribution.RollbackAsync(generation)));
        }
        var source = form!["source"].ToString();
        var version = form["version"].ToString();
        var from = form["from"].ToString();
        if (source.Length is 0 or > 200 || version.Length is 0 or > 200 || repositories.All(r => r.Name != from))
            return Refused(400, "Refused", "Name the source, its version and a repository to promote from.");
        var target = grains.GetGrain<IRepositoryGrain>(repository);
        return await AuditedAsync(session!, $"IRepositoryGrain.PromoteAsync([{repository}], {source}, {version}, {from}, null, {product})", back,
            async () => Message(await target.PromoteAsync(source, version, from, null, product)));
    }

    private static string Message(StageResult result) => (result.Ok ? "ok: " : "refused: ") + result.Message;

    /// <summary>The session, its form and null; or a refusal that says why (not logged in, forged, role too low).</summary>
    private async Task<(WebSession? Session, IFormCollection? Form, IResult? Refusal)> AuthorizeAsync(HttpContext c, WebRole needed, string what)
    {
        if (sessions.Current(c) is not { } session)
            return (null, null, Refused(401, "Log in first", $"To {what} you must log in (with the operator role): /login"));
        if (await FormAsync(c) is not { } form || !WebSessions.CsrfMatches(session, form[WebSessions.CsrfField]))
            return (null, null, Refused(403, "Refused", "The form's anti-forgery token is missing or wrong: reload the page and use its button."));
        // The role as it is now: lowered since the login, it counts at once.
        var account = await grains.GetGrain<IAccountDirectoryGrain>(0).GetAsync(session.Login);
        var role = account is { Enabled: true } ? await grains.GetGrain<IWebLoginGrain>(0).RoleAsync(session.Login) : (WebRole?)null;
        if (role is not { } r || r < needed)
            return (null, null, Refused(403, "Refused",
                $"{session.Login} has the web role {(role is { } x ? x.Name() : "none (account disabled or removed)")}; to {what} needs {needed.Name()} (autobuilder accounts role set {session.Login} {needed.Name()})"));
        return (session with { Role = r }, form, null);
    }

    private async Task<IResult> AuditedAsync(WebSession session, string what, string back, Func<Task<string>> act)
    {
        string result;
        try
        {
            result = await act();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            result = $"error: {ex.Message}";
        }
        await grains.GetGrain<IAuditLogGrain>(0).RecordAsync(new AuditEntry(time.GetUtcNow(), session.Login, $"{session.Role.Name()} (web)", what,
            result.Length > 300 ? result[..300] + "…" : result));
        var h = new Html();
        h.Element("p", result).Raw("<p>").Link(back, "Back").Raw("</p>");
        return WebHosting.Html(h.Page("Done"));
    }

    private static async Task<IFormCollection?> FormAsync(HttpContext c)
    {
        if (!c.Request.HasFormContentType || c.Request.ContentLength is null or > MaxFormBytes)
            return null;
        return await c.Request.ReadFormAsync();
    }

    private static IResult Refused(int status, string title, string why) =>
        Results.Content(new Html().Element("p", why).Raw("<p><a href=\"/login\">Log in</a></p>").Page(title), "text/html; charset=utf-8", statusCode: status);
}
