using System.Net;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Serialization;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.HttpUpload;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Silo.Web;

/// <summary>
/// The status pages and the JSON API inside the garage silo's web host: their own Kestrel
/// endpoint and their own branch of the pipeline, chosen by the local port (as the HTTP upload
/// has), so the dashboard's login never applies to them nor theirs to it.
/// </summary>
public static class WebHosting
{
    public const string Section = "Autobuilder:Web";

    /// <summary>Where the request's session (or null) is kept for the handlers.</summary>
    public const string SessionItem = "autobuilder.web.session";

    /// <summary>No inline script or style: the live log's script is a file of ours, and only ours may run.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>The JSON the API writes: what the console's --json writes (camelCase, enums as kebab-case words).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static WebOptions Options(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<WebOptions>() ?? new WebOptions();
        if (options.Problem() is { } problem)
            throw new InvalidOperationException(problem);
        return options;
    }

    public static void ListenForWeb(this WebApplicationBuilder web, WebOptions options, string certificatesFolder)
    {
        var certificate = options.Tls
            ? HttpUploadHosting.Certificate(new HttpUploadOptions
            {
                Address = options.Address,
                HostNames = options.HostNames,
                CertificateFile = options.CertificateFile,
                KeyFile = options.KeyFile,
            }, certificatesFolder)
            : null;
        web.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Parse(options.Address), options.Port, listen =>
            {
                // HTTP/2 only with TLS (ALPN): on plain HTTP Kestrel would warn at every start that it cannot offer it.
                listen.Protocols = certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                if (certificate is not null)
                    listen.UseHttps(certificate, https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
            });
        });
        web.Services.AddSingleton(options);
        web.Services.AddSingleton<WebReadModel>();
        web.Services.AddSingleton<WebPages>();
        web.Services.AddSingleton<WebSessions>();
        web.Services.AddSingleton<WebActions>();
        web.Services.AddSingleton<WebQa>();
        web.Services.AddRouting();
    }

    /// <summary>Requests to the pages' port go to the pages and nowhere else; call before the dashboard's middleware.</summary>
    public static void MapWeb(this WebApplication app, WebOptions options)
    {
        var hosts = new HashSet<string>(["127.0.0.1", "localhost", "[::1]", .. options.HostNames], StringComparer.OrdinalIgnoreCase);
        var sessions = app.Services.GetRequiredService<WebSessions>();
        var actions = app.Services.GetRequiredService<WebActions>();
        app.MapWhen(context => context.Connection.LocalPort == options.Port, branch =>
        {
            branch.Use(async (context, next) =>
            {
                // A browser tricked by DNS rebinding names another host: refused before anything is read.
                if (!hosts.Contains(context.Request.Host.Host))
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.Response.WriteAsync($"unknown host name '{context.Request.Host.Host}' (Autobuilder:Web:HostNames)\n");
                    return;
                }
                var method = context.Request.Method;
                if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsPost(method))
                {
                    context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                    context.Response.Headers.Allow = "GET, HEAD, POST";
                    return;
                }
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                // Not "no-referrer": under it a browser sends "Origin: null" with our own forms' POSTs,
                // and the Origin check could not tell them from a forgery. Other sites still learn nothing.
                headers["Referrer-Policy"] = "same-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers.CacheControl = "no-store";
                if (options.Tls)
                    headers.StrictTransportSecurity = "max-age=31536000";
                if (HttpMethods.IsPost(method) && !TokenApiWrite(context) && ForeignOrigin(context) is { } why)
                {
                    // Cross-site request forgery, first line: a browser names the page a form came from.
                    await WriteAsync(context, 403, "Refused", why);
                    return;
                }
                var session = await sessions.LoadAsync(context);
                context.Items[SessionItem] = session;
                var path = context.Request.Path.Value ?? "/";
                if (options.RequiresLogin && session is null && !HttpMethods.IsPost(method) && path != "/login" && !path.StartsWith("/static/", StringComparison.Ordinal))
                {
                    if (path.StartsWith("/api/", StringComparison.Ordinal))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        await context.Response.WriteAsJsonAsync(new { error = "reading needs a login here (Autobuilder:Web:ReadAccess is \"login\"): POST /login, then send its cookie" }, Json);
                    }
                    else
                    {
                        context.Response.Redirect("/login");
                    }
                    return;
                }
                // The web host's own routing ran first and may have chosen one of the dashboard's
                // endpoints (its "/" too): forget it, so only this branch's routes can answer here.
                context.SetEndpoint(null);
                context.Request.RouteValues.Clear();
                await next(context);
            });
            branch.UseRouting();
            branch.UseEndpoints(endpoints =>
            {
                Map(endpoints);
                actions.Map(endpoints);
                app.Services.GetRequiredService<WebQa>().Map(endpoints);
                WebApi.Map(endpoints);
                endpoints.MapFallback(() => NotFound("no such page"));
            });
        });
    }

    /// <summary>
    /// Why a POST's Origin (or, lacking it, its Referer) is not this site, or null. A browser sends
    /// Origin with every POST; a request with neither is refused too, so a stripped header opens nothing.
    /// </summary>
    public static string? ForeignOrigin(HttpContext context)
    {
        var own = $"{context.Request.Scheme}://{context.Request.Host}";
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0)
            return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
                ? null
                : $"This form was sent from another site ({origin}), not from {own}: refused (cross-site request forgery).";
        var referer = context.Request.Headers.Referer.ToString();
        if (referer.StartsWith(own + "/", StringComparison.OrdinalIgnoreCase))
            return null;
        return "The request names no Origin of this site: forms are taken only from this site's own pages.";
    }

    /// <summary>
    /// A program's API write: a POST to /api/ with an Authorization header and no Origin. A browser
    /// names the Origin of every cross-site POST (so those are still checked), and never adds an
    /// Authorization header our pages did not ask for; such a write authenticates with the token
    /// alone, never with the session cookie.
    /// </summary>
    private static bool TokenApiWrite(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) && context.Request.Headers.Origin.Count == 0
        && context.Request.Headers.Authorization.Count > 0;

    private static void Map(IEndpointRouteBuilder e)
    {
        e.MapGet("/", (HttpContext c, WebPages p) => PageAsync(p.OverviewAsync(Session(c))));
        e.MapGet("/uploads", (HttpContext c, WebPages p) => PageAsync(p.UploadsAsync(UploadFilter.From(c.Request.Query), Session(c))));
        e.MapGet("/uploads/{product}/{nameVersion}/{sequence}", async (string product, string nameVersion, string sequence, HttpContext c, WebPages p) =>
            await p.UploadAsync($"{product}/{nameVersion}/{sequence}", Session(c)) is { } page ? Html(page) : NotFound("no such upload"));
        e.MapGet("/uploads/{product}/{nameVersion}/{sequence}/log/{architecture}", async (string product, string nameVersion, string sequence, string architecture, HttpContext c, WebPages p) =>
            await p.LogAsync($"{product}/{nameVersion}/{sequence}", architecture, Session(c)) is { } page ? Html(page) : NotFound("no such build, or it has not started"));
        e.MapGet("/queue", (HttpContext c, WebPages p) => PageAsync(p.QueueAsync(Session(c))));
        e.MapGet("/builders", (HttpContext c, WebPages p) => PageAsync(p.BuildersAsync(Session(c))));
        e.MapGet("/repositories", (HttpContext c, WebPages p) => PageAsync(p.RepositoriesAsync(Session(c))));
        e.MapGet("/repositories/{repository}/{product}", async (string repository, string product, HttpContext c, WebPages p) =>
            await p.DistributionAsync(repository, product, WebApi.PackagesFrom(c.Request.Query), WebApi.PackagesLimit(c.Request.Query), Session(c)) is { } page
                ? Html(page) : NotFound("no such distribution"));
        e.MapGet("/me", async (HttpContext c, WebPages p) =>
            Session(c) is { } s ? (await p.AccountAsync(s) is { } page ? Html(page) : NotFound("no such account")) : Results.Redirect("/login"));
        e.MapGet("/audit", async (HttpContext c, WebPages p) =>
            Session(c) is { Role: >= Grains.WebRole.Operator } s ? Html(await p.AuditAsync(s)) : Results.Content(new Html().Element("p", "The audit log needs the operator role.").Page("Refused"), "text/html; charset=utf-8", statusCode: 403));
        e.MapGet("/static/site.css", () => Results.Text(Web.Html.Stylesheet, "text/css; charset=utf-8"));
        e.MapGet("/static/log.js", () => Results.Text(WebPages.LogScript, "text/javascript; charset=utf-8"));
    }

    private static WebSession? Session(HttpContext c) => c.Items[SessionItem] as WebSession;

    private static async Task<IResult> PageAsync(Task<string> page) => Html(await page);

    public static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static IResult NotFound(string why) => Results.Content(new Html().Element("p", why).Page("Not found"), "text/html; charset=utf-8", statusCode: 404);

    private static async Task WriteAsync(HttpContext context, int status, string title, string why)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(new Html().Element("p", why).Page(title));
    }
}
