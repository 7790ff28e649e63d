using System.Text.Json;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Uploaders;

namespace Autobuilder.Silo.Tests.HttpUpload;

/// <summary>
/// An HTTP upload end to end, as a cluster's garage is configured (OpenPGP "required", rights
/// required): a source signed with a real gpg key, sent by the real dput over https, taken by
/// intake from the account's area, verified with gpgv against the directory's keyring, built with
/// dpkg-buildpackage and published; and the same upload by an account without the right refused
/// naming it. Same checks as the SSH area's, because it is the same intake.
/// </summary>
public sealed class HttpUploadPipelineTests : IAsyncLifetime
{
    private readonly TempDir _root = new("ab-http-e2e-");
    private readonly int _port = SiloProcess.FreePort();
    private SiloProcess _silo = null!;
    private readonly Dictionary<string, (TestSigner Key, string Token)> _accounts = [];

    public async Task InitializeAsync()
    {
        _silo = new SiloProcess(_root["var"], config =>
        {
            var ab = config["Autobuilder"]!.AsObject();
            ab["Uploaders"] = new JsonObject
            {
                ["Signatures"] = "required",
                ["RequireRights"] = true,
                ["Http"] = new JsonObject { ["Enabled"] = true, ["Port"] = _port },
            };
        });
        await _silo.StartAsync();
        foreach (var (login, right) in new[] { ("jane", true), ("bob", false) })
        {
            var key = UploaderGpgKey.Create(_root[$"gpg-{login}"], $"{login} <{login}@example.org>");
            AdminCli.Run(_silo, "accounts", "add", login, "--name", login, "--email", $"{login}@example.org").Ok();
            var keyFile = _root[$"{login}.asc"];
            File.WriteAllText(keyFile, key.ArmoredPublicKey);
            AdminCli.Run(_silo, "accounts", "key", "add", login, keyFile, "--openpgp").Ok();
            if (right)
                AdminCli.Run(_silo, "accounts", "grant", login, "extras-devel", "bookworm").Ok();
            var token = JsonDocument.Parse(AdminCli.Run(_silo, "accounts", "token", "add", login, "--json").Ok().Stdout)
                .RootElement.GetProperty("token").GetString()!;
            _accounts[login] = (TestSigner.Of(key), token);
        }
    }

    [Fact]
    public async Task Should_build_and_publish_with_the_account_as_uploader_When_a_signed_upload_comes_by_dput_https()
    {
        // Given a source signed by jane, who has the right
        var upload = Signed("http-e2e", "jane");

        // When she sends it with the real dput over https
        var dput = Dput(upload, "jane");

        // Then it is built, recorded as hers through the HTTP channel, and published
        Assert.True(dput.ExitCode == 0, dput.ToString());
        var done = await Uploads.WaitAsync(_silo, "http-e2e", d => d.Summary.State is UploadState.Done or UploadState.Rejected, "done", TimeSpan.FromMinutes(5));
        Assert.True(done.Summary.Outcome == UploadState.Published, $"{done.Summary.State}/{done.Summary.Outcome}: {done.Summary.LastReason}");
        Assert.Equal(UploadChannel.Http, done.Origin?.Channel);
        Assert.Equal("jane", done.Origin?.Login);
        Assert.Equal("jane", done.Identity?.Account);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        string repo;
        while (!(repo = AdminCli.Run(_silo, "repo", "show", "extras-devel/bookworm").Ok().Stdout).Contains("http-e2e", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"http-e2e was not published:\n{repo}");
            await Task.Delay(1000);
        }
    }

    [Fact]
    public async Task Should_reject_naming_the_account_and_the_right_When_an_account_without_the_right_uploads_by_https()
    {
        var upload = Signed("http-noright", "bob");

        var dput = Dput(upload, "bob");

        Assert.True(dput.ExitCode == 0, dput.ToString());
        var rejected = await Uploads.WaitAsync(_silo, "http-noright", d => d.Summary.State == UploadState.Rejected, "rejected", TimeSpan.FromMinutes(2));
        var reason = string.Join("; ", rejected.Problems);
        Assert.Contains("bob", reason);
        Assert.Contains("extras-devel", reason);
        Assert.Equal(UploadChannel.Http, rejected.Origin?.Channel);
    }

    private SignedSource Signed(string name, string login) =>
        SignedSource.Build(new SourcePackage(name), _root["scratch"].EnsureFolder()).SignBoth(_accounts[login].Key);

    private ToolResult Dput(SignedSource upload, string login)
    {
        var config = Path.Combine(upload.Folder, "dput.cf");
        File.WriteAllText(config, $"""
            [autobuilder]
            fqdn = localhost:{_port}
            method = https
            incoming = /upload/bookworm
            login = {login}

            """);
        // A signed .changes: dput checks the signature itself; it finds the signer's key in GNUPGHOME.
        return Tool.Run("setsid", ["-w", "dput", "-c", config, "autobuilder", upload.Changes], workingDirectory: upload.Folder,
            environment: new Dictionary<string, string>
            {
                ["SSL_CERT_FILE"] = Path.Combine(_silo.CertificatesFolder, "ca.crt"),
                ["GNUPGHOME"] = _accounts[login].Key.Home,
            },
            stdin: _accounts[login].Token + "\n", timeout: TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        foreach (var (key, _) in _accounts.Values)
            GpgAgents.Stop(key.Home);
        _root.Dispose();
    }
}
