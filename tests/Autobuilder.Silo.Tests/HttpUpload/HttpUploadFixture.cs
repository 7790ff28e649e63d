using System.Text.Json;
using System.Text.Json.Nodes;
using Autobuilder.Grains;

namespace Autobuilder.Silo.Tests.HttpUpload;

/// <summary>
/// One real silo of role "all" with the HTTP upload on (TLS with the certificate its own CA made),
/// and accounts made through the real console: alice (a token), bob (a token that is revoked),
/// carol (a token, account disabled).
/// </summary>
public sealed class HttpUploadFixture : IAsyncLifetime
{
    /// <summary>Intake's per-file limit here, small enough to test a refusal without sending gigabytes.</summary>
    public const long MaxFileBytes = 4L << 20;

    private readonly TempDir _root = new("ab-http-");

    public SiloProcess Silo { get; private set; } = null!;
    public int Port { get; } = SiloProcess.FreePort();
    public string Scratch => _root["scratch"];
    public string CaFile => Path.Combine(Silo.CertificatesFolder, "ca.crt");
    public Dictionary<string, string> Tokens { get; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Scratch);
        Silo = new SiloProcess(_root["var"], config =>
        {
            var autobuilder = config["Autobuilder"]!.AsObject();
            // No builds here: these tests are about the files arriving.
            autobuilder["Slots"] = new JsonArray();
            autobuilder["Intake"] = new JsonObject { ["MaxFileBytes"] = MaxFileBytes };
            autobuilder["Uploaders"] = new JsonObject
            {
                ["Http"] = new JsonObject { ["Enabled"] = true, ["Port"] = Port, ["ExpireSeconds"] = 8 },
            };
        });
        await Silo.StartAsync();
        foreach (var login in new[] { "alice", "bob", "carol" })
        {
            AdminCli.Run(Silo, "accounts", "add", login, "--name", $"Test {login}", "--email", $"{login}@example.org").Ok();
            var json = JsonDocument.Parse(AdminCli.Run(Silo, "accounts", "token", "add", login, "--note", "tests", "--json").Ok().Stdout);
            Tokens[login] = json.RootElement.GetProperty("token").GetString()!;
            var id = json.RootElement.GetProperty("id").GetString()!;
            if (login == "bob")
                await Silo.Grains.GetGrain<IAccountDirectoryGrain>(0).RevokeTokenAsync(login, id);
        }
        await Silo.Grains.GetGrain<IAccountDirectoryGrain>(0).SetEnabledAsync("carol", false, "tests: a disabled account");
    }

    /// <summary>alice's area for bookworm, where her HTTP uploads land.</summary>
    public string Area(string login = "alice", string product = "bookworm") => Path.Combine(Silo.DataRoot, "http-incoming", login, product);

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        _root.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class HttpUploadCollection : ICollectionFixture<HttpUploadFixture>
{
    public const string Name = "http-upload";
}
