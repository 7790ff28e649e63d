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
/// </summary>
public sealed class WebPagesTests(WebPagesTests.Fixture f) : IClassFixture<WebPagesTests.Fixture>
{
    /// <summary>One silo with the pages on, and one upload built, for every test of the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDir _dir = new("ab-web-");
        private readonly int _port = SiloProcess.FreePort();
        private SiloProcess _silo = null!;

        public HttpClient Http { get; private set; } = null!;
        public UploadDetails Built { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            // With the dashboard on, as all.json has it: its routes (its "/" too) must never answer on the pages' port.
            _silo = new SiloProcess(_dir["var"], config =>
            {
                config["Autobuilder"]!["Web"] = new JsonObject { ["Enabled"] = true, ["Port"] = _port };
                config["Dashboard"] = new JsonObject { ["Enabled"] = true, ["Address"] = "127.0.0.1", ["Port"] = SiloProcess.FreePort() };
            });
            await _silo.StartAsync();
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/"), Timeout = TimeSpan.FromSeconds(30) };
            Uploads.Drop(_silo, new SourcePackage(Name: "ab-web-hello"), _dir["scratch"]);
            Built = await Uploads.WaitAsync(_silo, "ab-web-hello", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(3));
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
        Assert.Contains("1 upload(s)", list);
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

        // Nothing here changes anything yet: every write is refused.
        using (var post = await _http.PostAsync("/uploads", new StringContent("x")))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);

        // Ids that are not an upload's, and paths that climb, find nothing.
        using (var odd = await _http.GetAsync("/uploads/..%2F..%2Fetc/passwd/1"))
            Assert.Equal(HttpStatusCode.NotFound, odd.StatusCode);
        using (var unknown = await _http.GetAsync("/nothing-here"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // The dashboard (same web host, its own port and login) is not reachable through this port.
        using (var dashboardAsset = await _http.GetAsync("/index.min.js"))
            Assert.Equal(HttpStatusCode.NotFound, dashboardAsset.StatusCode);
    }

    /// <summary>
    /// Real headless Chromium (Debian's chromium package) opens every page at phone width: the DOM
    /// it built holds the page's title and content, and a screenshot of each is kept with the test
    /// results (TestResults/web/).
    /// </summary>
    [Fact]
    public void Should_render_every_page_in_headless_chromium_When_a_browser_opens_them()
    {
        var id = _built.Summary.Id;
        var href = "/uploads/" + string.Join('/', id.Split('/').Select(Uri.EscapeDataString));
        var arch = Assert.Single(_built.Builds).Architecture;
        (string Name, string Path, string Expected)[] pages =
        [
            ("overview", "/", "Recent uploads"),
            ("uploads", "/uploads", id),
            ("upload", href, "History"),
            ("log", $"{href}/log/{arch}", "dpkg-buildpackage"),
            ("queue", "/queue", "No build is waiting."),
            ("builders", "/builders", "localhost/abbuild1"),
            ("repositories", "/repositories", "extras-devel"),
        ];
        var shots = Directory.CreateDirectory(Path.Combine(Checkout.Root, "TestResults", "web")).FullName;
        using var profile = new TempDir("ab-web-chromium-");
        foreach (var (name, path, expected) in pages)
        {
            var url = new Uri(f.Http.BaseAddress!, path).ToString();
            string[] common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile.Path}", "--window-size=412,915"];
            var dom = Tool.Run("chromium", [.. common, "--dump-dom", url], timeout: TimeSpan.FromSeconds(60)).Ok().Stdout;
            Assert.Contains("<h1>", dom);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(expected), dom);
            var shot = Path.Combine(shots, $"{name}.png");
            File.Delete(shot);
            Tool.Run("chromium", [.. common, "--hide-scrollbars", $"--screenshot={shot}", url], timeout: TimeSpan.FromSeconds(60)).Ok();
            Assert.True(new FileInfo(shot).Length > 1000, $"no screenshot of {name}");
        }
    }
}
