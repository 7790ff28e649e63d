using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Autobuilder.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Silo.Web;

/// <summary>
/// The JSON API (/api/v1): one table of routes, mapped from it and described from it in the
/// OpenAPI document (/api/v1/openapi.json), so no route can be served undescribed. Each route is
/// one query of <see cref="WebReadModel"/>, the one its page makes.
/// </summary>
public static class WebApi
{
    /// <summary>A query or path parameter as the OpenAPI document names it.</summary>
    public sealed record Parameter(string Name, string In, string Description, string Type = "string");

    /// <param name="Method">"get", or "post" for a write (its JSON body is <paramref name="Body"/>; it authenticates with an account's HTTP token).</param>
    public sealed record Route(string Path, string Summary, Type Response, IReadOnlyList<Parameter> Parameters, Func<HttpContext, WebReadModel, Task<IResult>> Handle,
        bool NeedsLogin = false, string Method = "get", Type? Body = null);

    private static readonly Parameter[] Distribution =
        [new("repository", "path", "The repository."), new("product", "path", "The product (its suite).")];

    private static readonly Parameter[] UploadId =
    [
        new("product", "path", "The upload's product (first part of its id)."),
        new("nameVersion", "path", "SOURCE_VERSION (second part of its id)."),
        new("sequence", "path", "The upload's number (third part of its id)."),
    ];

    public static readonly IReadOnlyList<Route> Routes =
    [
        new("/api/v1/status", "Builds waiting and running, and every builder slot.", typeof(SchedulerStatus), [],
            async (_, m) => Json(await m.SchedulerAsync())),
        new("/api/v1/queue", "As status, with the reason each waiting build waits.", typeof(SchedulerStatus), [],
            async (_, m) => Json(await m.QueueAsync())),
        new("/api/v1/builders", "Every builder slot: state, current build, failures in a row, why drained or offline.", typeof(IReadOnlyList<SlotStatus>), [],
            async (_, m) => Json((await m.SchedulerAsync()).Slots)),
        new("/api/v1/uploads", "The newest uploads, newest first, filtered.", typeof(IReadOnlyList<UploadSummary>),
            [
                new("state", "query", "An upload state or outcome (e.g. done, rejected, published)."), new("product", "query", "A product."),
                new("source", "query", "A source package name."), new("uploader", "query", "An account's login."),
                new("q", "query", $"Text in the id or the last step's reason (in role all, among the {UploadQuery.SearchWindow} matching uploads recorded last)."), new("since", "query", "Received at or after this date or moment (UTC unless it says)."), new("limit", "query", "At most this many (1-1000, 100).", "integer"),
                new("offset", "query", "Skip this many matches (paging; the X-Next-Offset header names the next page's offset when there is one).", "integer"),
            ],
            async (c, m) =>
            {
                var filter = UploadFilter.From(c.Request.Query);
                var page = await m.UploadsPageAsync(filter);
                if (page.More)
                    c.Response.Headers["X-Next-Offset"] = (filter.Offset + page.Uploads.Count).ToString(CultureInfo.InvariantCulture);
                return Json(page.Uploads);
            }),
        new("/api/v1/uploads/{product}/{nameVersion}/{sequence}", "One upload: transitions, builds, latency legs, publications.", typeof(UploadDetails), UploadId,
            async (c, m) => await m.UploadAsync(UploadIdOf(c)) is { } d ? Json(d) : Missing("no such upload")),
        new("/api/v1/uploads/{product}/{nameVersion}/{sequence}/log/{architecture}", "A piece of a build's log from a byte offset; follow it from nextOffset while running.", typeof(LogChunk),
            [.. UploadId, new("architecture", "path", "The build's architecture."), new("offset", "query", "Byte offset to read from (0).", "integer")],
            async (c, m) =>
            {
                var offset = long.TryParse(c.Request.Query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
                return await m.LogChunkAsync(UploadIdOf(c), (string)c.Request.RouteValues["architecture"]!, offset) is { } chunk ? Json(chunk) : Missing("no such build, or it has not started");
            }),
        new("/api/v1/repositories", "Every repository with its distributions' state.", typeof(IReadOnlyList<RepositoryInfo>), [],
            async (_, m) => Json(await m.RepositoriesAsync())),
        new("/api/v1/repositories/{repository}/{product}", "One distribution: generations, one page of its packages (in name order) with versions and architectures, where it promotes from.", typeof(DistributionView),
            [
                new("repository", "path", "The repository."), new("product", "path", "The product (its suite)."),
                new("from", "query", "List the sources from this name on (ordinal order; details.next names the next page's)."),
                new("limit", "query", $"At most this many sources (1-{WebReadModel.MaxPackagesPage}, {WebReadModel.PackagesPage}).", "integer"),
            ],
            async (c, m) => await m.DistributionAsync((string)c.Request.RouteValues["repository"]!, (string)c.Request.RouteValues["product"]!,
                PackagesFrom(c.Request.Query), PackagesLimit(c.Request.Query)) is { } d ? Json(d) : Missing("no such distribution")),
        new("/api/v1/me", "The logged-in account: its keys, rights, tokens (never their secrets), web role and uploads.", typeof(AccountView), [],
            async (c, m) => c.Items[WebHosting.SessionItem] is WebSession s && await m.AccountAsync(s.Login) is { } a ? Json(a) : Missing("no such account"), NeedsLogin: true),
        new("/api/v1/audit", "The newest 200 entries of the audit log, newest first (operators).", typeof(IReadOnlyList<AuditEntry>), [],
            async (c, m) => c.Items[WebHosting.SessionItem] is WebSession { Role: >= WebRole.Operator } ? Json(await m.AuditAsync(200)) : Forbidden("the audit log needs the operator role"), NeedsLogin: true),
        // The QA ladder (issue 15): excuses, votes, promotion requests.
        new("/api/v1/repositories/{repository}/{product}/excuses", "What holds each package here from the next repository up: karma, votes with comments, each reason; and the recent decisions.",
            typeof(QaExcuses), [.. Distribution, new("source", "query", "Only this source package.")],
            async (c, _) => await Qa(c).ExcusesAsync((string)c.Request.RouteValues["repository"]!, (string)c.Request.RouteValues["product"]!, c.Request.Query["source"].FirstOrDefault()) is { } x
                ? Json(x) : Missing("no such distribution")),
        new("/api/v1/repositories/{repository}/{product}/votes", "Votes +1 or -1 (vote: 1 or -1) on the version a testing repository holds, as the token's account; a -1 needs a comment; not on one's own package. 409: refused, the body says why.",
            typeof(QaAnswer), Distribution, (c, _) => Qa(c).ApiAsync<QaVoteBody>(c, Qa(c).VoteAsync), Method: "post", Body: typeof(QaVoteBody)),
        new("/api/v1/repositories/{repository}/{product}/promotion-requests", "The maintainer (owner or uploader) or an operator asks for the version here to move one rung up: the checks run; lintian's answer may come later (see excuses). 409: refused, with every failed check.",
            typeof(QaAnswer), Distribution, (c, _) => Qa(c).ApiAsync<QaRequestBody>(c, Qa(c).RequestAsync), Method: "post", Body: typeof(QaRequestBody)),
        new("/api/v1/repositories/{repository}/{product}/votes/void", "An operator voids a voter's open vote on a source, with a reason (recorded with the vote).",
            typeof(QaAnswer), Distribution, (c, _) => Qa(c).ApiAsync<QaVoidBody>(c, Qa(c).VoidAsync), Method: "post", Body: typeof(QaVoidBody)),
    ];

    private static WebQa Qa(HttpContext c) => c.RequestServices.GetRequiredService<WebQa>();

    public static void Map(IEndpointRouteBuilder e)
    {
        foreach (var route in Routes)
        {
            if (route.Method == "post")
            {
                e.MapPost(route.Path, (HttpContext c, WebReadModel m) => route.Handle(c, m));
                continue;
            }
            e.MapGet(route.Path, (HttpContext c, WebReadModel m) =>
                route.NeedsLogin && c.Items[WebHosting.SessionItem] is null
                    ? Task.FromResult(Results.Json(new { error = "log in first (POST /login)" }, WebHosting.Json, statusCode: 401))
                    : route.Handle(c, m));
        }
        var document = Document().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        e.MapGet("/api/v1/openapi.json", () => Results.Text(document, "application/json; charset=utf-8"));
    }

    /// <summary>The OpenAPI 3.1 document: every route of <see cref="Routes"/>, its parameters and its response's JSON schema.</summary>
    public static JsonObject Document()
    {
        var schemaOptions = new System.Text.Json.JsonSerializerOptions(WebHosting.Json) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        var paths = new JsonObject();
        foreach (var route in Routes)
        {
            var parameters = new JsonArray();
            foreach (var p in route.Parameters)
                parameters.Add(new JsonObject { ["name"] = p.Name, ["in"] = p.In, ["required"] = p.In == "path", ["description"] = p.Description, ["schema"] = new JsonObject { ["type"] = p.Type } });
            var responses = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemaOptions.GetJsonSchemaAsNode(route.Response) } },
                },
                ["404"] = new JsonObject { ["description"] = "Not found (the body's error says what)" },
            };
            if (route.NeedsLogin || route.Method == "post")
                responses["401"] = new JsonObject { ["description"] = route.Method == "post" ? "No or a wrong account token (Basic LOGIN:TOKEN)" : "Not logged in" };
            var operation = new JsonObject
            {
                ["summary"] = route.Summary,
                ["operationId"] = (route.Method == "post" ? "post" : "") + OperationId(route.Path),
                ["parameters"] = parameters,
                ["responses"] = responses,
            };
            if (route.Body is { } body)
            {
                operation["requestBody"] = new JsonObject
                {
                    ["required"] = true,
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemaOptions.GetJsonSchemaAsNode(body) } },
                };
                responses["400"] = new JsonObject { ["description"] = "The body is not what the route takes (the error says what)" };
                responses["403"] = new JsonObject { ["description"] = "The account's role does not allow it" };
                responses["409"] = new JsonObject { ["description"] = "Refused by the ladder's rules: the answer's message and reasons say why" };
                operation["security"] = new JsonArray(new JsonObject { ["token"] = new JsonArray() });
            }
            if (paths[route.Path] is not JsonObject item)
                paths[route.Path] = item = new JsonObject();
            item[route.Method] = operation;
        }
        paths["/api/v1/openapi.json"] = new JsonObject
        {
            ["get"] = new JsonObject { ["summary"] = "This document.", ["operationId"] = "openapi", ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } } },
        };
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Autobuilder API",
                ["version"] = "1",
                ["description"] = "JSON of what the status pages show. With Autobuilder:Web:ReadAccess \"login\", send the session cookie of POST /login. " +
                    "Writes (POST: votes, promotion requests) authenticate with an account's HTTP token: Authorization: Basic base64(LOGIN:TOKEN).",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["session"] = new JsonObject { ["type"] = "apiKey", ["in"] = "cookie", ["name"] = WebSessions.Cookie },
                    ["token"] = new JsonObject { ["type"] = "http", ["scheme"] = "basic", ["description"] = "LOGIN:TOKEN of autobuilder accounts token add LOGIN" },
                },
            },
        };
    }

    private static string OperationId(string path) =>
        string.Concat(path["/api/v1/".Length..].Split('/').Select(p => p.StartsWith('{') ? "By" + char.ToUpperInvariant(p[1]) + p[2..^1] : char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>The package list's start ("from", a source name) and size ("limit") of a distribution's page or API call.</summary>
    public static string? PackagesFrom(IQueryCollection query) => query["from"].FirstOrDefault() is { Length: > 0 and <= 200 } f ? f : null;

    public static int PackagesLimit(IQueryCollection query) =>
        int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, WebReadModel.MaxPackagesPage) : WebReadModel.PackagesPage;

    private static string UploadIdOf(HttpContext c) =>
        $"{c.Request.RouteValues["product"]}/{c.Request.RouteValues["nameVersion"]}/{c.Request.RouteValues["sequence"]}";

    private static IResult Json(object value) => Results.Json(value, WebHosting.Json);

    private static IResult Missing(string why) => Results.Json(new { error = why }, WebHosting.Json, statusCode: 404);

    private static IResult Forbidden(string why) => Results.Json(new { error = why }, WebHosting.Json, statusCode: 403);
}
