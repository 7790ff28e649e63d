using System.Diagnostics;
using System.Globalization;
using Autobuilder.Grains;
using Autobuilder.Testing;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Autobuilder.Silo.Tests.Web;

/// <summary>
/// The pages in a real browser: Debian's chromium, driven by Playwright at phone width. Each page's
/// DOM is checked for what the known uploads put there, a screenshot of it is kept with the test
/// results (TestResults/web/), and axe-core checks it finds no serious or critical accessibility
/// violation. A running build's log page shows a line within a second of the build printing it,
/// and a form on another site cannot make the browser act for its logged-in operator.
/// </summary>
public sealed partial class WebPagesTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static async Task<(IPlaywright Playwright, IBrowser Browser, IPage Page)> BrowserAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
        page.SetDefaultTimeout(30_000);
        return (playwright, browser, page);
    }

    private async Task BrowserLoginAsync(IPage page, string login, string secret)
    {
        await page.GotoAsync($"{Origin}/login");
        await page.FillAsync("#login", login);
        await page.FillAsync("#secret", secret);
        var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("main button[type=submit]"), r => r.Url == $"{Origin}/login" && r.Request.Method == "POST");
        Assert.True(answer.Status == 302, $"login as {login}: {answer.Status} {await page.InnerTextAsync("body")}");
        await page.WaitForURLAsync($"{Origin}/me");
    }

    [Fact]
    public async Task Should_render_every_page_with_its_content_and_no_serious_accessibility_violation_When_a_browser_opens_them()
    {
        var arch = Assert.Single(_built.Builds).Architecture;
        var failedArch = Assert.Single(f.Failed.Builds).Architecture;
        (string Name, string Path, string[] Expected)[] pages =
        [
            ("overview", "/", ["Recent uploads", _built.Summary.Id, "extras-devel/bookworm"]),
            ("uploads", "/uploads", [_built.Summary.Id, f.Failed.Summary.Id]),
            ("uploads-filtered", "/uploads?state=Failed", [f.Failed.Summary.Id]),
            ("upload", UploadHref, ["History", "Latency", "landing→live", "Success", "Published", "extras-devel/bookworm"]),
            ("log", $"{UploadHref}/log/{arch}", ["dpkg-buildpackage"]),
            ("failed-log", $"{Href(f.Failed)}/log/{failedArch}", ["Error lines", "ab-web broke here"]),
            ("queue", "/queue", ["No build is waiting."]),
            ("builders", "/builders", ["localhost/abbuild1", "Failures in a row"]),
            ("repositories", "/repositories", ["extras-devel"]),
            ("distribution", "/repositories/extras-devel/bookworm", ["ab-web-hello", _built.Summary.Version, "Generations"]),
            ("login", "/login", ["Password or token"]),
        ];
        var shots = Directory.CreateDirectory(Path.Combine(Checkout.Root, "TestResults", "web")).FullName;
        var (playwright, browser, page) = await BrowserAsync();
        using (playwright)
        await using (browser)
        {
            await CheckPagesAsync(page, pages, shots);
            // Logged in as the operator: the account's page, the audit log, and the action forms.
            await BrowserLoginAsync(page, Fixture.Operator, f.OperatorToken);
            await CheckPagesAsync(page,
            [
                ("me", "/me", [$"Account {Fixture.Operator}", "operator", "HTTP tokens"]),
                ("audit", "/audit", ["The newest 200 changes"]),
                ("upload-operator", Href(f.Failed), ["Retry failed builds", "Set priority", "BuildFailed", "result mailed"]),
            ], shots);
        }
        // The failed build's error lines come before its whole log.
        using var response = await _http.GetAsync($"{Href(f.Failed)}/log/{failedArch}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(html.IndexOf("ab-web broke here", StringComparison.Ordinal) < html.IndexOf("Whole log", StringComparison.Ordinal));
    }

    private async Task CheckPagesAsync(IPage page, IEnumerable<(string Name, string Path, string[] Expected)> pages, string shots)
    {
        foreach (var (name, path, expected) in pages)
        {
            var response = await page.GotoAsync(Origin + path);
            Assert.True(response is { Ok: true }, $"{name} ({path}): {response?.Status}");
            var text = await page.InnerTextAsync("body");
            Assert.False(string.IsNullOrWhiteSpace(await page.InnerTextAsync("h1")), $"{name}: no h1");
            foreach (var e in expected)
                Assert.True(text.Contains(e, StringComparison.Ordinal), $"{name} ({path}) does not show '{e}':\n{text}");
            var shot = Path.Combine(shots, $"{name}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            Assert.True(new FileInfo(shot).Length > 1000, $"no screenshot of {name}");
            var axe = await page.RunAxe();
            var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
            Assert.True(serious.Count == 0, $"{name} ({path}): " + string.Join("\n", serious.Select(v =>
                $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
        }
    }

    [Fact]
    public async Task Should_show_a_new_log_line_within_a_second_When_a_running_build_prints_it()
    {
        // The build prints a line with the time it printed it (ms since the epoch), a while after it started;
        // make echoes the command first, so the marker is put together only when the line is printed.
        Uploads.Drop(f.Silo, new SourcePackage(Name: "ab-web-live",
            RulesBuild: "echo ab-web-live-start && sleep 8 && echo \"ab-web-live-$$(echo line) $$(date +%s%3N)\" && sleep 120"), f.Scratch);
        var running = await Uploads.WaitAsync(f.Silo, "ab-web-live", d => d.Builds.Any(b => b.State == BuildState.Running), "building", TimeSpan.FromMinutes(2));
        var arch = running.Builds.Single().Architecture;
        var (playwright, browser, page) = await BrowserAsync();
        try
        {
            using (playwright)
            await using (browser)
            {
                await page.GotoAsync($"{Origin}{Href(running)}/log/{arch}");
                var initial = await page.InnerTextAsync("#log");
                Assert.DoesNotContain("ab-web-live-line ", initial);
                Assert.Contains("The build is running", await page.InnerTextAsync("main"));
                var deadline = Stopwatch.StartNew();
                string text;
                while (!(text = await page.InnerTextAsync("#log")).Contains("ab-web-live-line ", StringComparison.Ordinal))
                {
                    Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"the line never appeared:\n{text}");
                    await Task.Delay(25);
                }
                var seen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var line = text[text.IndexOf("ab-web-live-line ", StringComparison.Ordinal)..].Split('\n')[0];
                var written = long.Parse(line["ab-web-live-line ".Length..].Trim(), CultureInfo.InvariantCulture);
                Assert.True(seen - written <= 1000, $"the line was printed at {written} and shown at {seen}: {seen - written} ms later");
                // The page was not reloaded: the line came through the page's script.
                Assert.Contains("ab-web-live-start", text);
            }
        }
        finally
        {
            await f.Silo.Grains.GetGrain<IUploadGrain>(running.Summary.Id).CancelAsync("test over", "test");
        }
    }

    [Fact]
    public async Task Should_refuse_a_cross_site_form_When_a_logged_in_operator_is_lured_to_it()
    {
        // The other site: another port of the same host, so the browser even sends the SameSite cookie
        // along; only the Origin check and the anti-forgery token stand in the way. The browser fetches
        // its page from it as from any server (Playwright answers for that address).
        var foreign = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        var target = $"{Origin}{Href(f.ToRetry)}/rescore";
        var html = $"<!DOCTYPE html><html lang=\"en\"><head><title>prize</title></head><body><main><form method=\"post\" action=\"{target}\">" +
                   "<input type=\"hidden\" name=\"csrf\" value=\"guessed\"><input type=\"hidden\" name=\"priority\" value=\"999\">" +
                   "<button id=\"go\" type=\"submit\">Win a prize</button></form></main></body></html>";
        var before = (await AuditAsync()).Count;
        var (playwright, browser, page) = await BrowserAsync();
        using (playwright)
        await using (browser)
        {
            await BrowserLoginAsync(page, Fixture.Operator, f.OperatorToken);
            await page.RouteAsync($"{foreign}/forge.html", route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = html }));
            await page.GotoAsync($"{foreign}/forge.html");
            var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#go"), r => r.Url == target);
            Assert.Equal(403, answer.Status);
            Assert.Contains("another site", await page.InnerTextAsync("main"));
        }
        Assert.Equal(before, (await AuditAsync()).Count);
        var upload = await f.Silo.Grains.GetGrain<IUploadGrain>(f.ToRetry.Summary.Id).GetDetailsAsync();
        Assert.DoesNotContain(upload!.History, t => t.Reason.Contains("999", StringComparison.Ordinal));
    }
}
