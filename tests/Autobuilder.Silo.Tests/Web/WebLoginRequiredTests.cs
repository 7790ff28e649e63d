using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Web;

/// <summary>
/// The pages with <c>ReadAccess: "login"</c> over TLS (the CA-issued certificate): nothing but the
/// login page and the stylesheet answers without a login, the API says 401, and after a login the
/// session cookie is Secure. No upload is needed, so the silo builds nothing.
/// </summary>
public sealed class WebLoginRequiredTests(WebLoginRequiredTests.Fixture f) : IClassFixture<WebLoginRequiredTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDir _dir = new("ab-weblogin-");
        public int Port { get; } = SiloProcess.FreePort();
        public SiloProcess Silo { get; private set; } = null!;
        public string Token { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Silo = new SiloProcess(_dir["var"], config =>
                config["Autobuilder"]!["Web"] = new JsonObject { ["Enabled"] = true, ["Port"] = Port, ["ReadAccess"] = "login", ["Tls"] = true });
            await Silo.StartAsync();
            var accounts = Silo.Grains.GetGrain<IAccountDirectoryGrain>(0);
            await accounts.AddAsync(new NewAccount("ab-web-jane", "Jane", "jane@example.org", []));
            Token = (await accounts.AddTokenAsync("ab-web-jane", "web test", null)).Secret;
        }

        public async Task DisposeAsync()
        {
            if (Silo is not null)
                await Silo.DisposeAsync();
            _dir.Dispose();
        }

        /// <summary>A client that trusts only the autobuilder's CA, with its own cookies, sending this site's Origin.</summary>
        public HttpClient Client()
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Silo.CertificatesFolder, "ca.crt"));
            var handler = new HttpClientHandler
            {
                CookieContainer = new CookieContainer(),
                AllowAutoRedirect = false,
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is not null && chain.Build(certificate) && certificate.MatchesHostname("127.0.0.1");
                },
            };
            var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{Port}/"), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Add("Origin", $"https://127.0.0.1:{Port}");
            return client;
        }
    }

    [Fact]
    public async Task Should_ask_for_a_login_and_set_a_secure_cookie_When_reading_needs_a_login()
    {
        using var client = f.Client();
        using (var page = await client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login", page.Headers.Location?.ToString());
            Assert.Equal("max-age=31536000", page.Headers.GetValues("Strict-Transport-Security").Single());
        }
        using (var api = await client.GetAsync("/api/v1/uploads"))
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using (var css = await client.GetAsync("/static/site.css"))
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);

        var form = await client.GetStringAsync("/login");
        var csrf = WebUtility.HtmlDecode(Regex.Match(form, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value);
        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = csrf, ["login"] = "ab-web-jane", ["secret"] = f.Token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ab_session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        Assert.Contains("Builds per architecture", await client.GetStringAsync("/"));
        var me = JsonNode.Parse(await client.GetStringAsync("/api/v1/me"))!;
        Assert.Equal("ab-web-jane", me["account"]!["login"]!.GetValue<string>());
        Assert.Equal("uploader", me["role"]!.GetValue<string>());
        Assert.NotNull(JsonNode.Parse(await client.GetStringAsync("/api/v1/status"))!["slots"]);
    }

    [Fact]
    public async Task Should_keep_the_login_When_the_silo_restarts_and_end_it_When_logging_out()
    {
        // Given: logged in.
        using var client = f.Client();
        var form = await client.GetStringAsync("/login");
        var csrf = WebUtility.HtmlDecode(Regex.Match(form, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value);
        using (var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = csrf, ["login"] = "ab-web-jane", ["secret"] = f.Token,
        })))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        // When: the silo dies (no shutdown code runs) and starts again on the same data root.
        await f.Silo.KillAsync();
        await f.Silo.StartAsync();

        // Then: the same cookie is still a login; after logging out it is none.
        var me = JsonNode.Parse(await client.GetStringAsync("/api/v1/me"))!;
        Assert.Equal("ab-web-jane", me["account"]!["login"]!.GetValue<string>());
        var page = await client.GetStringAsync("/me");
        var logoutCsrf = WebUtility.HtmlDecode(Regex.Match(page, "action=\"/logout\"[^>]*>\\s*<input type=\"hidden\" name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value);
        Assert.NotEmpty(logoutCsrf);
        using (var logout = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = logoutCsrf })))
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        using var after = await client.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Theory]
    [InlineData("0.0.0.0", false, "open", "Tls")]
    [InlineData("127.0.0.1", false, "sometimes", "ReadAccess")]
    public void Should_refuse_the_options_When_they_would_expose_logins_or_make_no_sense(string address, bool tls, string readAccess, string named)
    {
        var problem = new WebOptions { Enabled = true, Address = address, Tls = tls, ReadAccess = readAccess }.Problem();
        Assert.NotNull(problem);
        Assert.Contains(named, problem);
        Assert.Null(new WebOptions { Enabled = true, Address = "0.0.0.0", Tls = true, ReadAccess = "login" }.Problem());
    }
}
