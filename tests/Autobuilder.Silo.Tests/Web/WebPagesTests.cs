using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Web;

/// <summary>
/// The status pages and the JSON API of a real silo (role all) after a real upload was built:
/// each page names what it must, the API gives the same records as JSON, values from uploads are
/// HTML-encoded, a foreign Host header and any write are refused, security headers are set.
/// Logins and actions: WebPagesTests.Actions.cs; the pages in a real browser: WebPagesTests.Browser.cs.
/// </summary>
public sealed partial class WebPagesTests(WebPagesTests.Fixture f) : IClassFixture<WebPagesTests.Fixture>
{
    /// <summary>One silo with the pages on, and one upload built, for every test of the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDir _dir = new("ab-web-");
        private readonly int _port = SiloProcess.FreePort();
        public int DashboardPort { get; } = SiloProcess.FreePort();
        private SiloProcess _silo = null!;

        public HttpClient Http { get; private set; } = null!;
        public UploadDetails Built { get; private set; } = null!;
        public SiloProcess Silo => _silo;
        public string Scratch => _dir["scratch"];
        public int Port => _port;

        /// <summary>A reader (logs in with a password) and an operator (logs in with a token), made with the real console.</summary>
        public const string Reader = "ab-web-reader";
        public const string ReaderPassword = "correct horse battery staple";
        public const string Operator = "ab-web-oper";
        public string OperatorToken { get; private set; } = "";

        /// <summary>A build that failed (its log page shows the error lines first), and one the operator test retries.</summary>
        public UploadDetails Failed { get; private set; } = null!;
        public UploadDetails ToRetry { get; private set; } = null!;
        public const string ErrorLine = "ab-web.c:3: error: ab-web broke here";

        public async Task InitializeAsync()
        {
            // With the dashboard on, as all.json has it: its routes (its "/" too) must never answer on the pages' port.
            _silo = new SiloProcess(_dir["var"], config =>
            {
                config["Autobuilder"]!["Web"] = new JsonObject { ["Enabled"] = true, ["Port"] = _port };
                config["Dashboard"] = new JsonObject { ["Enabled"] = true, ["Address"] = "127.0.0.1", ["Port"] = DashboardPort };
            });
            await _silo.StartAsync();
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/"), Timeout = TimeSpan.FromSeconds(30) };
            Uploads.Drop(_silo, new SourcePackage(Name: "ab-web-hello"), _dir["scratch"]);
            Uploads.Drop(_silo, new SourcePackage(Name: "ab-web-fails", RulesBuild: $"echo '{ErrorLine}' >&2 && exit 1"), _dir["scratch"]);
            Uploads.Drop(_silo, new SourcePackage(Name: "ab-web-retry", RulesBuild: "exit 1"), _dir["scratch"]);
            foreach (var (login, role) in new[] { (Reader, "reader"), (Operator, "operator") })
            {
                AdminCli.Run(_silo, "accounts", "add", login, "--name", login, "--email", $"{login}@example.org").Ok();
                AdminCli.Run(_silo, "accounts", "role", "set", login, role).Ok();
            }
            Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), "accounts", "password", "set", Reader, .. _silo.ConsoleArguments],
                stdin: ReaderPassword + "\n", timeout: TimeSpan.FromMinutes(1)).Ok();
            OperatorToken = JsonNode.Parse(AdminCli.Run(_silo, "accounts", "token", "add", Operator, "--json").Ok().Stdout)!["token"]!.GetValue<string>();
            Built = await Uploads.WaitAsync(_silo, "ab-web-hello", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(3));
            Failed = await Uploads.WaitAsync(_silo, "ab-web-fails", d => d.Summary.Outcome == UploadState.Failed && d.Summary.Settled, "Failed", TimeSpan.FromMinutes(3));
            ToRetry = await Uploads.WaitAsync(_silo, "ab-web-retry", d => d.Summary.Outcome == UploadState.Failed && d.Summary.Settled, "Failed", TimeSpan.FromMinutes(3));
        }

        public async Task DisposeAsync()
        {
            Http?.Dispose();
            if (_silo is not null)
                await _silo.DisposeAsync();
            _dir.Dispose();
        }
    }

    private HttpClient _http => f.Http;
    private UploadDetails _built => f.Built;

    private async Task<string> PageAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}\n{body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("<meta name=\"viewport\"", body);
        return body;
    }

    [Fact]
    public async Task Should_show_the_upload_its_builds_history_and_log_When_an_upload_was_built()
    {
        var id = _built.Summary.Id;
        var href = "/uploads/" + string.Join('/', id.Split('/').Select(Uri.EscapeDataString));

        var overview = await PageAsync("/");
        Assert.DoesNotContain("Orleans Dashboard", overview);
        Assert.Contains($"href=\"{href}\"", overview);
        Assert.Contains("extras-devel/bookworm", overview);
        Assert.Contains("Builds per architecture", overview);

        var list = await PageAsync("/uploads?source=ab-web-hello");
        Assert.Contains(id, list);
        Assert.Contains("Uploads 1-1, newest first", list);
        Assert.Contains("No upload matches.", await PageAsync("/uploads?source=ab-web-nothing"));

        var page = await PageAsync(href);
        var build = Assert.Single(_built.Builds);
        Assert.Contains($"<td>{build.Architecture}</td>", page);
        Assert.Contains("Success", page);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(_built.History[0].Reason), page);
        var log = await PageAsync($"{href}/log/{build.Architecture}");
        Assert.Contains("dpkg-buildpackage", log);

        Assert.Contains("Builder slots", await PageAsync("/builders"));
        Assert.Contains("extras-devel", await PageAsync("/repositories"));
        Assert.Contains("No build is waiting.", await PageAsync("/queue"));
    }

    [Fact]
    public async Task Should_give_the_same_records_as_json_When_the_api_is_asked()
    {
        var id = _built.Summary.Id;
        var uploads = JsonNode.Parse(await _http.GetStringAsync("/api/v1/uploads?source=ab-web-hello"))!.AsArray();
        Assert.Equal(id, Assert.Single(uploads)!["id"]!.GetValue<string>());
        Assert.Equal("done", uploads[0]!["state"]!.GetValue<string>());

        var one = JsonNode.Parse(await _http.GetStringAsync("/api/v1/uploads/" + id))!;
        Assert.Equal("published", one["summary"]!["outcome"]!.GetValue<string>());
        Assert.Equal(_built.History.Count, one["history"]!.AsArray().Count);

        var status = JsonNode.Parse(await _http.GetStringAsync("/api/v1/status"))!;
        Assert.Equal(2, status["slots"]!.AsArray().Count);
        using var missing = await _http.GetAsync("/api/v1/uploads/bookworm/nothing_1.0/1");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Should_encode_what_it_echoes_and_refuse_foreign_hosts_and_writes_When_attacked()
    {
        // A search term is shown back in the form: encoded, never markup.
        var echoed = await PageAsync("/uploads?q=" + Uri.EscapeDataString("\"><script>alert(1)</script>"));
        Assert.DoesNotContain("<script>alert(1)</script>", echoed);
        Assert.Contains("&lt;script&gt;", echoed);

        // DNS rebinding: a page asked for under another host name is refused.
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/");
        foreign.Headers.Host = "evil.example";
        using (var response = await _http.SendAsync(foreign))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        // A POST that names no Origin of this site is refused before anything else; other methods never answer.
        using (var post = await _http.PostAsync("/uploads", new StringContent("x")))
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        using (var put = await _http.PutAsync("/uploads", new StringContent("x")))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);

        // Ids that are not an upload's, and paths that climb, find nothing.
        using (var odd = await _http.GetAsync("/uploads/..%2F..%2Fetc/passwd/1"))
            Assert.Equal(HttpStatusCode.NotFound, odd.StatusCode);
        using (var unknown = await _http.GetAsync("/nothing-here"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // The dashboard (same web host, its own port and login) is not reachable through this port.
        using (var dashboardAsset = await _http.GetAsync("/index.min.js"))
            Assert.Equal(HttpStatusCode.NotFound, dashboardAsset.StatusCode);
    }
}
