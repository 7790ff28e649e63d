using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Autobuilder.Grains;

namespace Autobuilder.Silo.Tests.Web;

/// <summary>Logins, roles, the operator actions, their audit entries, and forged requests.</summary>
public sealed partial class WebPagesTests
{
    private string Origin => $"http://127.0.0.1:{f.Port}";

    private string UploadHref => Href(_built);

    private static string Href(UploadDetails d) => "/uploads/" + string.Join('/', d.Summary.Id.Split('/').Select(Uri.EscapeDataString));

    /// <summary>A client of its own (its own cookies) that sends this site's Origin, as a browser on our page does.</summary>
    private HttpClient Client()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = f.Http.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Add("Origin", Origin);
        return client;
    }

    private static string Csrf(string page) =>
        Regex.Match(page, "name=\"csrf\" value=\"([^\"]+)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new Xunit.Sdk.XunitException($"no csrf field in:\n{page}");

    /// <summary>Logs in through the login form; returns the client (holding the session cookie) and the login's answer.</summary>
    private async Task<(HttpClient Client, HttpResponseMessage Answer)> LoginAsync(string login, string secret)
    {
        var client = Client();
        var form = await client.GetStringAsync("/login");
        var answer = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = Csrf(form), ["login"] = login, ["secret"] = secret,
        }));
        return (client, answer);
    }

    private static FormUrlEncodedContent Form(string? csrf, params (string, string)[] fields) =>
        new(fields.Concat(csrf is null ? [] : [("csrf", csrf)]).Select(x => KeyValuePair.Create(x.Item1, x.Item2)));

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync() => await f.Silo.Grains.GetGrain<IAuditLogGrain>(0).ListAsync(500);

    [Fact]
    public async Task Should_refuse_a_retry_When_nobody_is_logged_in()
    {
        using var client = Client();
        using var answer = await client.PostAsync($"{UploadHref}/retry", Form(null));
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Contains("log in", await answer.Content.ReadAsStringAsync());
        // The page shows no action form to a visitor.
        Assert.DoesNotContain("/retry\"", await client.GetStringAsync(UploadHref));
    }

    [Fact]
    public async Task Should_refuse_a_retry_When_the_user_is_a_reader()
    {
        var (client, login) = await LoginAsync(Fixture.Reader, Fixture.ReaderPassword);
        using (client)
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var cookie = string.Join("\n", login.Headers.GetValues("Set-Cookie"));
            Assert.Contains("ab_session=", cookie);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            var me = await client.GetStringAsync("/me");
            Assert.Contains($"Account {Fixture.Reader}", me);
            Assert.Contains("reader", me);
            var page = await client.GetStringAsync(UploadHref);
            Assert.DoesNotContain("/retry\"", page);
            var before = (await AuditAsync()).Count;
            using var answer = await client.PostAsync($"{UploadHref}/retry", Form(Csrf(page)));
            var body = await answer.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
            Assert.Contains("needs operator", body);
            Assert.Equal(before, (await AuditAsync()).Count);
            // Nor does the reader's login open the dashboard.
            using var dashboard = await client.GetAsync($"http://127.0.0.1:{f.DashboardPort}/");
            Assert.Equal(HttpStatusCode.Unauthorized, dashboard.StatusCode);
        }
    }

    [Fact]
    public async Task Should_retry_and_write_the_audit_log_When_an_operator_asks()
    {
        var (client, login) = await LoginAsync(Fixture.Operator, f.OperatorToken);
        using (client)
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var href = Href(f.ToRetry);
            var page = await client.GetStringAsync(href);
            Assert.Contains($"action=\"{href}/retry\"", page);
            using var answer = await client.PostAsync($"{href}/retry", Form(Csrf(page)));
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.OK, body);
            // The upload really builds again: its build's attempt goes up.
            var again = await Uploads.WaitAsync(f.Silo, "ab-web-retry", d => d.Builds.Single().Attempt > f.ToRetry.Builds.Single().Attempt, "retried", TimeSpan.FromSeconds(30));
            Assert.Contains(again.History, t => t.Reason.Contains("retr", StringComparison.OrdinalIgnoreCase));
            var entry = (await AuditAsync()).Last(e => e.Who == Fixture.Operator);
            Assert.Equal("operator (web)", entry.Role);
            Assert.Contains("IUploadGrain.RetryAsync", entry.What);
            Assert.Contains(f.ToRetry.Summary.Id, entry.What);
            Assert.StartsWith("ok", entry.Result);
            // The operator sees the audit log in the pages too; the reader does not.
            Assert.Contains("IUploadGrain.RetryAsync", await client.GetStringAsync("/audit"));
            var audit = JsonNode.Parse(await client.GetStringAsync("/api/v1/audit"))!.AsArray();
            Assert.Contains(audit, e => e!["who"]!.GetValue<string>() == Fixture.Operator);

            // The Orleans dashboard (its own port, same host: the browser sends the same cookie) lets the operator in.
            Assert.Contains($"http://127.0.0.1:{f.DashboardPort}/", page);
            using (var dashboard = await client.GetAsync($"http://127.0.0.1:{f.DashboardPort}/"))
                Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);

            // Logged out, the same cookie opens nothing.
            using (var logout = await client.PostAsync("/logout", Form(Csrf(page))))
                Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
            using var after = await client.PostAsync($"{UploadHref}/retry", Form(Csrf(page)));
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
    }

    [Fact]
    public async Task Should_refuse_forged_posts_When_the_origin_or_the_token_is_not_ours()
    {
        var (client, _) = await LoginAsync(Fixture.Operator, f.OperatorToken);
        using (client)
        {
            var csrf = Csrf(await client.GetStringAsync(UploadHref));
            var before = (await AuditAsync()).Count;

            // Another site's page posting with the user's cookie: its Origin gives it away.
            using (var foreign = new HttpRequestMessage(HttpMethod.Post, $"{UploadHref}/retry") { Content = Form(csrf) })
            {
                foreign.Headers.Remove("Origin");
                foreign.Headers.Add("Origin", "http://evil.example");
                using var answer = await client.SendAsync(foreign);
                Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
                Assert.Contains("another site", await answer.Content.ReadAsStringAsync());
            }
            // Our origin but no token, or another session's token.
            using (var tokenless = await client.PostAsync($"{UploadHref}/retry", Form(null)))
                Assert.Equal(HttpStatusCode.Forbidden, tokenless.StatusCode);
            using (var wrong = await client.PostAsync($"{UploadHref}/retry", Form(csrf + "x")))
                Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
            Assert.Equal(before, (await AuditAsync()).Count);
        }
    }

    [Fact]
    public async Task Should_refuse_the_login_When_the_secret_is_wrong_or_the_form_is_not_ours()
    {
        var (client, answer) = await LoginAsync(Fixture.Reader, "not the password at all");
        using (client)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.DoesNotContain("ab_session=", answer.Headers.TryGetValues("Set-Cookie", out var c) ? string.Join("", c) : "");
        }
        // A login posted without the login form's own token (login CSRF) is refused even with the right password.
        using var bare = Client();
        using var forged = await bare.PostAsync("/login", Form(null, ("login", Fixture.Reader), ("secret", Fixture.ReaderPassword)));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
    }

    [Fact]
    public async Task Should_describe_every_api_route_When_the_openapi_document_is_asked()
    {
        var document = JsonNode.Parse(await _http.GetStringAsync("/api/v1/openapi.json"))!;
        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
        // Every path one can GET (the QA writes are POSTs: WebQaTests sends them).
        var paths = document["paths"]!.AsObject().Where(p => p.Value!["get"] is not null).Select(p => p.Key).ToList();
        var arch = Assert.Single(_built.Builds).Architecture;
        var id = _built.Summary.Id.Split('/');
        var (client, _) = await LoginAsync(Fixture.Operator, f.OperatorToken);
        using (client)
        {
            foreach (var path in paths)
            {
                var url = path.Replace("{product}", path.StartsWith("/api/v1/repositories", StringComparison.Ordinal) ? "bookworm" : id[0])
                    .Replace("{nameVersion}", Uri.EscapeDataString(id[1])).Replace("{sequence}", id[2]).Replace("{architecture}", arch)
                    .Replace("{repository}", "extras-devel");
                using var answer = await client.GetAsync(url);
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{url}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.Contains("/api/v1/uploads/{product}/{nameVersion}/{sequence}/log/{architecture}", paths);
        Assert.Contains("/api/v1/repositories/{repository}/{product}", paths);
        Assert.Contains("/api/v1/builders", paths);
        // Each response is described by its schema, made from the records the API writes.
        Assert.NotNull(document["paths"]!["/api/v1/uploads"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["items"]);

        var distribution = JsonNode.Parse(await _http.GetStringAsync("/api/v1/repositories/extras-devel/bookworm"))!;
        Assert.Contains(distribution["details"]!["sources"]!.AsArray(), s => s!["source"]!.GetValue<string>() == "ab-web-hello");
        // The package list is paged in name order: from a source's own name it comes first; from a name past it, it is not listed.
        var from = JsonNode.Parse(await _http.GetStringAsync("/api/v1/repositories/extras-devel/bookworm?from=ab-web-hello&limit=1"))!;
        Assert.NotEmpty(from["details"]!["sources"]!.AsArray());
        Assert.All(from["details"]!["sources"]!.AsArray(), s => Assert.Equal("ab-web-hello", s!["source"]!.GetValue<string>()));
        var past = JsonNode.Parse(await _http.GetStringAsync("/api/v1/repositories/extras-devel/bookworm?from=ab-web-hellp"))!;
        Assert.All(past["details"]!["sources"]!.AsArray(), s => Assert.True(string.CompareOrdinal(s!["source"]!.GetValue<string>(), "ab-web-hellp") >= 0));
    }
}
