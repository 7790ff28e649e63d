using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Qa;
using Autobuilder.Testing;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Autobuilder.Silo.Tests.Web;

/// <summary>
/// The QA ladder (issue 15) on the pages and the JSON API of the QA tests' real silo: real accounts
/// with real HTTP tokens vote, request promotions and void votes through POST /api/v1 and through
/// the package pages' forms in Debian's chromium (Playwright, axe-core); the refusals say why, a
/// vote shows in the excuses at once, and each act is in the audit log with what was done.
/// </summary>
[Collection(QaCollection.Name)]
public sealed class WebQaTests(QaSilo silo)
{
    private const string Chromium = "/usr/bin/chromium";
    private const string Testing = "extras-testing/bookworm";

    private static StagePackage Package(string name) => new(name, "1.0-1", [SiloProcess.HostArchitecture]);

    /// <summary>An account (owning <paramref name="owns"/>), its web role, and an HTTP token made with the real console.</summary>
    private async Task<string> AccountAsync(string login, string? owns, string role)
    {
        await silo.AccountAsync(login, owns);
        var set = silo.Console("accounts", "role", "set", login, role);
        Assert.True(set.ExitCode == 0, set.Stderr);
        var token = silo.Console("accounts", "token", "add", login, "--json");
        Assert.True(token.ExitCode == 0, token.Stderr);
        return JsonNode.Parse(token.Stdout)!["token"]!.GetValue<string>();
    }

    /// <summary>A program's client: no cookies, no Origin; the account's token when given.</summary>
    private HttpClient Api(string? login = null, string? token = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(silo.WebOrigin + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (login is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{token}")));
        return client;
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(HttpClient client, string path, object body)
    {
        using var answer = await client.PostAsJsonAsync(path, body);
        var text = await answer.Content.ReadAsStringAsync();
        return (answer.StatusCode, JsonNode.Parse(text) ?? throw new Xunit.Sdk.XunitException($"{path}: no JSON: {text}"));
    }

    private async Task<JsonNode> ExcuseAsync(HttpClient client, string source) =>
        JsonNode.Parse(await client.GetStringAsync($"/api/v1/repositories/extras-testing/bookworm/excuses?source={source}"))!["packages"]!.AsArray().Single()!;

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync() => await silo.Grains.GetGrain<IAuditLogGrain>(0).ListAsync(1000);

    [Fact]
    public async Task Should_take_votes_requests_and_voids_with_reasons_and_show_a_vote_at_once_When_the_api_is_used()
    {
        // Arrange: wqa-owner owns qa-web-api; wqa-voter tests it; wqa-oper is an operator.
        var ownerToken = await AccountAsync("wqa-owner", "qa-web-api", "reader");
        var voterToken = await AccountAsync("wqa-voter", null, "reader");
        var operToken = await AccountAsync("wqa-oper", null, "operator");
        await silo.DropAsync(Package("qa-web-api"));
        using var owner = Api("wqa-owner", ownerToken);
        using var voter = Api("wqa-voter", voterToken);
        using var oper = Api("wqa-oper", operToken);
        using var anonymous = Api();
        const string requests = "/api/v1/repositories/extras-devel/bookworm/promotion-requests";
        const string votes = "/api/v1/repositories/extras-testing/bookworm/votes";

        // Act and assert, step by step: only the maintainer (or an operator) may ask …
        var notMine = await PostAsync(voter, requests, new { source = "qa-web-api", version = "1.0-1" });
        Assert.Equal(HttpStatusCode.Conflict, notMine.Status);
        Assert.StartsWith("account wqa-voter neither owns nor uploaded qa-web-api (its maintainer: wqa-owner)", notMine.Body["message"]!.GetValue<string>());
        var asked = await PostAsync(owner, requests, new { source = "qa-web-api", version = "1.0-1" });
        Assert.True(asked.Status == HttpStatusCode.OK, asked.Body.ToJsonString());
        Assert.Contains("lintian is checking", asked.Body["message"]!.GetValue<string>());
        await QaSilo.WaitAsync("qa-web-api in extras-testing after lintian's answer", async () => await silo.HoldsAsync("extras-testing", "qa-web-api"), 240);

        // … nobody votes on their own package, a -1 says why …
        var own = await PostAsync(owner, votes, new { source = "qa-web-api", version = "1.0-1", vote = 1, comment = "mine works" });
        Assert.Equal(HttpStatusCode.Conflict, own.Status);
        Assert.Equal("account wqa-owner may not vote on qa-web-api: it is its own package (owner or uploader)", own.Body["message"]!.GetValue<string>());
        var silent = await PostAsync(voter, votes, new { source = "qa-web-api", version = "1.0-1", vote = -1 });
        Assert.Equal(HttpStatusCode.Conflict, silent.Status);
        Assert.StartsWith("a -1 needs a comment", silent.Body["message"]!.GetValue<string>());

        // … a vote shows in the very next read of the excuses.
        var blocked = await PostAsync(voter, votes, new { source = "qa-web-api", version = "1.0-1", vote = -1, comment = "crashes on start", blocker = true });
        Assert.True(blocked.Status == HttpStatusCode.OK, blocked.Body.ToJsonString());
        var excuse = await ExcuseAsync(anonymous, "qa-web-api");
        Assert.Equal(-1, excuse["karma"]!.GetValue<int>());
        var vote = Assert.Single(excuse["votes"]!.AsArray())!;
        Assert.Equal(("wqa-voter", "crashes on start", "wqa-voter (api)"),
            (vote["login"]!.GetValue<string>(), vote["comment"]!.GetValue<string>(), vote["enteredBy"]!.GetValue<string>()));
        Assert.Contains(excuse["reasons"]!.AsArray(), r => r!["kind"]!.GetValue<string>() == "blocker"
            && r["text"]!.GetValue<string>() == "blocked by a −1 from wqa-voter: crashes on start");

        // Only an operator voids, with a reason; the excuses show it at once.
        var notOperator = await PostAsync(voter, votes + "/void", new { source = "qa-web-api", voter = "wqa-voter", reason = "mine" });
        Assert.Equal(HttpStatusCode.Conflict, notOperator.Status);
        Assert.Contains("voiding a vote needs operator", notOperator.Body["message"]!.GetValue<string>());
        var voided = await PostAsync(oper, votes + "/void", new { source = "qa-web-api", voter = "wqa-voter", reason = "not reproducible" });
        Assert.True(voided.Status == HttpStatusCode.OK, voided.Body.ToJsonString());
        var after = await ExcuseAsync(anonymous, "qa-web-api");
        Assert.Equal(0, after["karma"]!.GetValue<int>());
        Assert.Equal(("not reproducible", "wqa-oper (api)"), (after["votes"]![0]!["voidedReason"]!.GetValue<string>(), after["votes"]![0]!["voidedBy"]!.GetValue<string>()));

        // The console's vote goes through the access filter, which now writes the answer, not a bare "ok".
        var console = silo.Console("repo", "vote", "qa-web-api", "1.0-1", "up", "--in", Testing, "--as", "wqa-voter", "--comment", "fine on my N900");

        // Writes without a token, or from another site's page, are refused before anything happens.
        var before = (await AuditAsync()).Count;
        // (a cookie-less client on our own Origin passes the Origin check, and meets the token's)
        using var noTokenRequest = new HttpRequestMessage(HttpMethod.Post, votes) { Content = JsonContent.Create(new { source = "qa-web-api", version = "1.0-1", vote = 1, comment = "x" }) };
        noTokenRequest.Headers.Add("Origin", silo.WebOrigin);
        using var noTokenAnswer = await anonymous.SendAsync(noTokenRequest);
        var noToken = (Status: noTokenAnswer.StatusCode, Body: await noTokenAnswer.Content.ReadAsStringAsync());
        using var forged = new HttpRequestMessage(HttpMethod.Post, votes) { Content = JsonContent.Create(new { source = "qa-web-api", version = "1.0-1", vote = 1, comment = "x" }) };
        forged.Headers.Add("Origin", "http://evil.example");
        using var forgedAnswer = await voter.SendAsync(forged);
        var refusedAudit = (await AuditAsync()).Count;

        // Assert what the audit log says of it all
        var audit = await AuditAsync();
        Assert.Contains(audit, e => e is { Who: "wqa-voter", Role: "reader (api)" } && e.What.StartsWith("IQaGrain.VoteAsync([extras-testing/bookworm], qa-web-api 1.0-1 -1 blocker, crashes on start)", StringComparison.Ordinal)
            && e.Result.StartsWith("ok: wqa-voter's -1 (blocker) on qa-web-api 1.0-1", StringComparison.Ordinal));
        Assert.Contains(audit, e => e is { Who: "wqa-owner" } && e.What.StartsWith("IQaGrain.VoteAsync", StringComparison.Ordinal)
            && e.Result == "refused: account wqa-owner may not vote on qa-web-api: it is its own package (owner or uploader)");
        Assert.Contains(audit, e => e is { Who: "wqa-owner", Role: "reader (api)" } && e.What.StartsWith("IQaGrain.RequestPromotionAsync([extras-devel/bookworm], qa-web-api 1.0-1)", StringComparison.Ordinal)
            && e.Result.Contains("lintian is checking", StringComparison.Ordinal));
        Assert.Contains(audit, e => e is { Who: "wqa-oper", Role: "operator (api)" } && e.What.Contains("VoidVoteAsync", StringComparison.Ordinal) && e.Result.StartsWith("ok: voided 1 vote(s) of wqa-voter", StringComparison.Ordinal));
        Assert.True(console.ExitCode == 0, console.Stderr);
        Assert.Contains(audit, e => e.What.StartsWith("IQaGrain.VoteAsync([extras-testing/bookworm], QaVote", StringComparison.Ordinal)
            && e.Result.StartsWith("ok: wqa-voter's +1 on qa-web-api 1.0-1 in extras-testing/bookworm is recorded; karma now 1", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.Status);
        Assert.StartsWith("API writes need an account's HTTP token", JsonNode.Parse(noToken.Body)!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, forgedAnswer.StatusCode);
        Assert.Equal(before, refusedAudit);

        // The writes are in the one route table, so the OpenAPI document describes them with their bodies.
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/api/v1/openapi.json"))!;
        foreach (var path in new[] { "/votes", "/votes/void", "/promotion-requests" })
            Assert.NotNull(document["paths"]!["/api/v1/repositories/{repository}/{product}" + path]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]);
        Assert.NotNull(document["paths"]!["/api/v1/repositories/{repository}/{product}/excuses"]!["get"]);
    }

    private static async Task<(IPlaywright Playwright, IBrowser Browser)> BrowserAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        return (playwright, browser);
    }

    /// <summary>A fresh browser context (its own cookies) at phone width, logged in through the login form.</summary>
    private async Task<IPage> LoginAsync(IBrowser browser, string login, string token)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync($"{silo.WebOrigin}/login");
        await page.FillAsync("#login", login);
        await page.FillAsync("#secret", token);
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync($"{silo.WebOrigin}/me");
        return page;
    }

    /// <summary>Submits the page's form whose action ends so; returns the answer's status and the text of its main part.</summary>
    private static async Task<(int Status, string Text)> SubmitAsync(IPage page, string actionEnd)
    {
        var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync($"form[action$='{actionEnd}'] button[type=submit]"),
            r => r.Request.Method == "POST" && r.Url.EndsWith(actionEnd, StringComparison.Ordinal));
        await page.WaitForLoadStateAsync();
        return (answer.Status, await page.InnerTextAsync("main"));
    }

    private static async Task AccessibleAsync(IPage page, string name)
    {
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{name}: " + string.Join("\n", serious.Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    [Fact]
    public async Task Should_let_accounts_vote_request_and_void_on_the_package_pages_When_a_browser_is_used()
    {
        // Arrange: wqb-owner owns qa-web-page (already in extras-testing, by the stage's plain promotion) and qa-web-ask (in extras-devel).
        var ownerToken = await AccountAsync("wqb-owner", "qa-web-page", "reader");
        await silo.AccountAsync("wqb-other", "qa-web-ask");
        var voterToken = await AccountAsync("wqb-voter", null, "reader");
        var operToken = await AccountAsync("wqb-oper", null, "operator");
        await silo.DropAsync(Package("qa-web-page"));
        await silo.DropAsync(Package("qa-web-ask"));
        var moved = await silo.Grains.GetGrain<IRepositoryGrain>("extras-testing").PromoteAsync("qa-web-page", "1.0-1", "extras-devel", null, "bookworm");
        Assert.True(moved.Ok, moved.Message);
        await silo.WaitForAsync("extras-testing", "qa-web-page", "1.0-1");
        var packagePage = $"{silo.WebOrigin}/repositories/extras-testing/bookworm/qa/qa-web-page";
        var (playwright, browser) = await BrowserAsync();
        using (playwright)
        await using (browser)
        {
            // The owner may not vote on its own package, nor request the promotion of another's: the answers say why.
            var owner = await LoginAsync(browser, "wqb-owner", ownerToken);
            await owner.GotoAsync(packagePage);
            var ownVote = await SubmitAsync(owner, "/vote");
            await owner.GotoAsync($"{silo.WebOrigin}/repositories/extras-devel/bookworm/qa/qa-web-ask");
            var notMine = await SubmitAsync(owner, "/request");

            // A tester: a -1 without a comment is refused; a blocker -1 with one shows at once on the pages.
            var voter = await LoginAsync(browser, "wqb-voter", voterToken);
            await voter.GotoAsync(packagePage);
            await voter.CheckAsync("input[name=vote][value='-1']");
            var silent = await SubmitAsync(voter, "/vote");
            await voter.GotoAsync(packagePage);
            await voter.CheckAsync("input[name=vote][value='-1']");
            await voter.FillAsync("#vote-comment", "drains the battery <b>fast</b>");
            await voter.CheckAsync("#vote-blocker");
            var voted = await SubmitAsync(voter, "/vote");
            await voter.GotoAsync(packagePage);
            var shown = await voter.InnerTextAsync("main");
            await AccessibleAsync(voter, "package page");
            await voter.GotoAsync($"{silo.WebOrigin}/repositories/extras-testing/bookworm");
            var listed = await voter.InnerTextAsync("main");
            await AccessibleAsync(voter, "distribution page with candidates");

            // The operator voids it with a reason, from the same page.
            var oper = await LoginAsync(browser, "wqb-oper", operToken);
            await oper.GotoAsync(packagePage);
            await oper.FillAsync("form[action$='/void'] input[name=reason]", "not reproducible here");
            var voided = await SubmitAsync(oper, "/void");
            await oper.GotoAsync(packagePage);
            var afterVoid = await oper.InnerTextAsync("main");

            // Assert
            Assert.Equal(409, ownVote.Status);
            Assert.Contains("account wqb-owner may not vote on qa-web-page: it is its own package (owner or uploader)", ownVote.Text);
            Assert.Equal(409, notMine.Status);
            Assert.Contains("account wqb-owner neither owns nor uploaded qa-web-ask (its maintainer: wqb-other)", notMine.Text);
            Assert.Equal(409, silent.Status);
            Assert.Contains("a -1 needs a comment", silent.Text);
            Assert.True(voted.Status == 200, voted.Text);
            Assert.Contains("karma now -1", voted.Text);
            Assert.Contains("blocked by a −1 from wqb-voter: drains the battery <b>fast</b>", shown);
            Assert.Contains("wqb-voter (web)", shown);
            Assert.Contains("Candidates for extras/bookworm", listed);
            Assert.Contains("qa-web-page", listed);
            Assert.Contains("blocked by a −1 from wqb-voter", listed);
            Assert.True(voided.Status == 200, voided.Text);
            Assert.Contains("void: not reproducible here (wqb-oper (web))", afterVoid);
        }
        var audit = await AuditAsync();
        Assert.Contains(audit, e => e is { Who: "wqb-voter", Role: "reader (web)" } && e.What.StartsWith("IQaGrain.VoteAsync([extras-testing/bookworm], qa-web-page 1.0-1 -1 blocker", StringComparison.Ordinal));
        Assert.Contains(audit, e => e is { Who: "wqb-oper", Role: "operator (web)" } && e.What.Contains("VoidVoteAsync", StringComparison.Ordinal) && e.Result.StartsWith("ok:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_refuse_a_vote_form_When_its_anti_forgery_token_is_missing()
    {
        // Arrange: a logged-in session in a plain client that sends our Origin, as a browser on our page does.
        var token = await AccountAsync("wqc-voter", null, "reader");
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(silo.WebOrigin + "/"),
        };
        client.DefaultRequestHeaders.Add("Origin", silo.WebOrigin);
        var form = await client.GetStringAsync("/login");
        var csrf = WebUtility.HtmlDecode(Regex.Match(form, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value);
        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = csrf, ["login"] = "wqc-voter", ["secret"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var before = (await AuditAsync()).Count;

        // Act
        using var tokenless = await client.PostAsync("/repositories/extras-testing/bookworm/qa/qa-anything/vote",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["version"] = "1.0-1", ["vote"] = "+1", ["comment"] = "x" }));
        using var anonymous = new HttpClient { BaseAddress = new Uri(silo.WebOrigin + "/") };
        anonymous.DefaultRequestHeaders.Add("Origin", silo.WebOrigin);
        using var loggedOut = await anonymous.PostAsync("/repositories/extras-testing/bookworm/qa/qa-anything/vote",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["version"] = "1.0-1", ["vote"] = "+1" }));

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, tokenless.StatusCode);
        Assert.Contains("anti-forgery token", await tokenless.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, loggedOut.StatusCode);
        Assert.Equal(before, (await AuditAsync()).Count);
    }
}
