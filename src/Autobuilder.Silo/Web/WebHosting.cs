using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Autobuilder.Grains.Options;
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

    public static void ListenForWeb(this WebApplicationBuilder web, WebOptions options)
    {
        web.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Parse(options.Address), options.Port, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
        });
        web.Services.AddSingleton<WebReadModel>();
        web.Services.AddSingleton<WebPages>();
        web.Services.AddRouting();
    }

    /// <summary>Requests to the pages' port go to the pages and nowhere else; call before the dashboard's middleware.</summary>
    public static void MapWeb(this WebApplication app, WebOptions options)
    {
        var hosts = new HashSet<string>(["127.0.0.1", "localhost", "[::1]", .. options.HostNames], StringComparer.OrdinalIgnoreCase);
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
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                {
                    // Read-only for now: no action exists, so no form can be forged.
                    context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                    context.Response.Headers.Allow = "GET, HEAD";
                    return;
                }
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-store";
                // The web host's own routing ran first and may have chosen one of the dashboard's
                // endpoints (its "/" too): forget it, so only this branch's routes can answer here.
                context.SetEndpoint(null);
                context.Request.RouteValues.Clear();
                await next(context);
            });
            branch.UseRouting();
            branch.UseEndpoints(endpoints => Map(endpoints));
        });
    }

    private static void Map(IEndpointRouteBuilder e)
    {
        e.MapGet("/", (WebPages p) => PageAsync(p.OverviewAsync()));
        e.MapGet("/uploads", (HttpContext c, WebPages p) => PageAsync(p.UploadsAsync(UploadFilter.From(c.Request.Query))));
        e.MapGet("/uploads/{product}/{nameVersion}/{sequence}", async (string product, string nameVersion, string sequence, WebPages p) =>
            await p.UploadAsync($"{product}/{nameVersion}/{sequence}") is { } page ? Page(page) : NotFound("no such upload"));
        e.MapGet("/uploads/{product}/{nameVersion}/{sequence}/log/{architecture}", async (string product, string nameVersion, string sequence, string architecture, WebPages p) =>
            await p.LogAsync($"{product}/{nameVersion}/{sequence}", architecture) is { } page ? Page(page) : NotFound("no such build, or it has not started"));
        e.MapGet("/queue", (WebPages p) => PageAsync(p.QueueAsync()));
        e.MapGet("/builders", (WebPages p) => PageAsync(p.BuildersAsync()));
        e.MapGet("/repositories", (WebPages p) => PageAsync(p.RepositoriesAsync()));
        e.MapGet("/static/site.css", () => Results.Text(Html.Stylesheet, "text/css; charset=utf-8"));

        // The API: the same read model, as JSON.
        e.MapGet("/api/v1/status", async (WebReadModel m) => Results.Json(await m.SchedulerAsync(), Json));
        e.MapGet("/api/v1/queue", async (WebReadModel m) => Results.Json(await m.SchedulerAsync(), Json));
        e.MapGet("/api/v1/uploads", async (HttpContext c, WebReadModel m) => Results.Json(await m.UploadsAsync(UploadFilter.From(c.Request.Query)), Json));
        e.MapGet("/api/v1/uploads/{product}/{nameVersion}/{sequence}", async (string product, string nameVersion, string sequence, WebReadModel m) =>
            await m.UploadAsync($"{product}/{nameVersion}/{sequence}") is { } d ? Results.Json(d, Json) : Results.Json(new { error = "no such upload" }, Json, statusCode: 404));
        e.MapGet("/api/v1/repositories", async (WebReadModel m) => Results.Json(await m.RepositoriesAsync(), Json));
        e.MapFallback(() => NotFound("no such page"));
    }

    private static async Task<IResult> PageAsync(Task<string> page) => Page(await page);

    private static IResult Page(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static IResult NotFound(string why) => Results.Content(new Html().Element("p", why).Page("Not found"), "text/html; charset=utf-8", statusCode: 404);
}
