using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Autobuilder.Silo.Tests.HttpUpload;

/// <summary>The web form: shown behind the same login, taking a .dsc and its files, refusing a post that did not come from it.</summary>
[Collection(HttpUploadCollection.Name)]
public sealed partial class UploadFormTests(HttpUploadFixture fixture)
{
    [Fact]
    public async Task Should_store_the_dsc_and_its_files_and_say_what_arrived_When_the_form_is_sent_with_its_token()
    {
        // Given the form, shown to alice
        using var http = Client("alice");
        var form = await http.GetAsync($"https://localhost:{fixture.Port}/upload/");
        var page = await form.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal("nosniff", form.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", form.Headers.GetValues("Content-Security-Policy").Single());
        var token = TokenField().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);

        // When she sends a real source package's .dsc and files with it
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "form-ok")).FullName;
        var dsc = new SourcePackage(Name: "hello-form").BuildSource(folder);
        var names = Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith("hello-form_", StringComparison.Ordinal)).ToList();
        using var content = Multipart(token, "bookworm", names.Select(n => Path.Combine(folder, n)));
        var answer = await http.PostAsync($"https://localhost:{fixture.Port}/upload/", content);
        var text = await answer.Content.ReadAsStringAsync();

        // Then each file is in her area (or taken by intake) and the page lists them and where to follow the upload
        Assert.True(answer.StatusCode == HttpStatusCode.Created, text);
        Assert.Contains("autobuilder uploads list", text);
        foreach (var name in names)
        {
            Assert.Contains(name, text);
            var inArea = Path.Combine(fixture.Area(), name);
            Assert.True(File.Exists(inArea) || Directory.GetFiles(Path.Combine(fixture.Silo.DataRoot, "uploads"), name, SearchOption.AllDirectories).Length > 0,
                $"{name} did not arrive");
        }
        Assert.Contains(Path.GetFileName(dsc), names);
    }

    [Fact]
    public async Task Should_refuse_with_403_and_store_nothing_When_the_post_carries_no_token()
    {
        // A foreign page can make alice's browser post with her credentials, but cannot read our token.
        using var http = Client("alice");
        var file = Path.Combine(fixture.Scratch, "csrf_1.0.dsc");
        File.WriteAllText(file, "Format: 1.0\n");
        using var content = Multipart(null, "bookworm", [file]);

        var answer = await http.PostAsync($"https://localhost:{fixture.Port}/upload/", content);

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Contains("anti-forgery token is missing", await answer.Content.ReadAsStringAsync());
        Assert.False(File.Exists(Path.Combine(fixture.Area(), "csrf_1.0.dsc")));
    }

    [Fact]
    public async Task Should_refuse_with_403_When_the_token_was_issued_to_another_account_or_the_browser_says_cross_site()
    {
        // Given a token shown to alice
        using var alice = Client("alice");
        var token = TokenField().Match(await alice.GetStringAsync($"https://localhost:{fixture.Port}/upload/")).Groups[1].Value;
        var file = Path.Combine(fixture.Scratch, "csrf2_1.0.dsc");
        File.WriteAllText(file, "Format: 1.0\n");

        // When it is tampered with, and when a browser reports the post came from another site
        using var tampered = Multipart(token[..^2] + (token[^2..] == "00" ? "11" : "00"), "bookworm", [file]);
        var forged = await alice.PostAsync($"https://localhost:{fixture.Port}/upload/", tampered);
        using var crossSite = Multipart(token, "bookworm", [file]);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https://localhost:{fixture.Port}/upload/") { Content = crossSite };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        var foreign = await alice.SendAsync(request);

        // Then both are refused and nothing is stored
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("was not issued", await forged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("from another site", await foreign.Content.ReadAsStringAsync());
        Assert.False(File.Exists(Path.Combine(fixture.Area(), "csrf2_1.0.dsc")));
    }

    [Fact]
    public async Task Should_ask_for_a_login_When_the_form_is_opened_without_one()
    {
        using var http = Client(null);

        var answer = await http.GetAsync($"https://localhost:{fixture.Port}/upload/");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("Basic", answer.Headers.WwwAuthenticate.Single().Scheme);
    }

    private static MultipartFormDataContent Multipart(string? token, string product, IEnumerable<string> files)
    {
        var content = new MultipartFormDataContent();
        if (token is not null)
            content.Add(new StringContent(token), "csrf");
        content.Add(new StringContent(product), "product");
        foreach (var f in files)
        {
            var part = new ByteArrayContent(File.ReadAllBytes(f));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "files", Path.GetFileName(f));
        }
        return content;
    }

    private HttpClient Client(string? login)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(fixture.CaFile);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(ca);
        var http = new HttpClient(handler);
        if (login is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{fixture.Tokens[login]}")));
        return http;
    }

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
