using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;
using MimeKit;

namespace Autobuilder.Silo.Tests.Uploaders;

/// <summary>
/// One real silo of role "all" as a cluster's garage is configured (OpenPGP policy "required",
/// rights required, source ownership on, the SSH upload area on), a real SMTP server, and accounts
/// in its real directory with real gpg keys: jane (the right), bob (no right), carol (the right),
/// dora (disabled), remy (key removed), ezra (key expired), and a stranger's key nobody registered.
/// </summary>
public sealed class UploadersFixture : IAsyncLifetime
{
    private readonly TempDir _root;
    private readonly Action<JsonObject>? _configure;

    public UploadersFixture()
        : this("ab-uploaders-", null)
    {
    }

    /// <summary>The same silo and accounts, with more of the "Autobuilder" section set by <paramref name="configure"/> (another suite's limits).</summary>
    internal UploadersFixture(string prefix, Action<JsonObject>? configure)
    {
        _root = new(prefix);
        _configure = configure;
    }

    public SmtpTestServer Smtp { get; } = SmtpTestServer.Start();
    public SiloProcess Silo { get; private set; } = null!;
    public string Scratch => _root["scratch"].EnsureFolder();
    public string DropRoot => _root["drop"];

    public TestSigner Jane { get; private set; } = null!;
    public TestSigner Bob { get; private set; } = null!;
    public TestSigner Carol { get; private set; } = null!;
    public TestSigner Dora { get; private set; } = null!;
    public TestSigner Remy { get; private set; } = null!;
    public TestSigner Ezra { get; private set; } = null!;
    public TestSigner Olga { get; private set; } = null!;
    public TestSigner Stranger { get; private set; } = null!;

    public IAccountDirectoryGrain Directory => Silo.Grains.GetGrain<IAccountDirectoryGrain>(0);

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(DropRoot);
        Silo = new SiloProcess(_root["var"], config =>
        {
            var mail = config["Mail"]!.AsObject();
            mail["Host"] = Smtp.Host;
            mail["Port"] = Smtp.Port;
            mail["Security"] = "None";
            var ab = config["Autobuilder"]!.AsObject();
            ab["Uploaders"] = new JsonObject
            {
                ["Signatures"] = "required",
                ["RequireRights"] = true,
                ["SourceOwnership"] = true,
                ["Drop"] = new JsonObject { ["Enabled"] = true, ["Root"] = DropRoot },
            };
            ab["Intake"] = new JsonObject { ["BareDscSeconds"] = 3 };
            _configure?.Invoke(ab);
        });
        await Silo.StartAsync();

        Jane = await AccountAsync("jane", right: true);
        Bob = await AccountAsync("bob", right: false);
        Carol = await AccountAsync("carol", right: true);
        Dora = await AccountAsync("dora", right: true);
        await Directory.SetEnabledAsync("dora", false, "left the project");
        Remy = await AccountAsync("remy", right: true);
        await Directory.RemoveKeyAsync("remy", Remy.Fingerprint);
        Ezra = await ExpiredAccountAsync("ezra");
        Olga = await OldKeyAccountAsync("olga");
        Stranger = TestSigner.Of(UploaderGpgKey.Create(_root["gpg-stranger"], "Stranger <stranger@example.org>"));
    }

    private async Task<TestSigner> AccountAsync(string login, bool right)
    {
        var key = UploaderGpgKey.Create(_root[$"gpg-{login}"], $"{login} <{login}@example.org>");
        await Directory.AddAsync(new NewAccount(login, login, $"{login}@example.org", []));
        Ok(await Directory.AddOpenPgpKeyAsync(login, System.Text.Encoding.UTF8.GetBytes(key.ArmoredPublicKey)));
        if (right)
            Ok(await Directory.GrantAsync(new UploadRight(login, "extras-devel", "bookworm")));
        return TestSigner.Of(key);
    }

    /// <summary>
    /// A key registered with an expiry that has passed (made three days ago, valid two), whose owner
    /// extended it at home but never registered the new expiry: gpg signs with it today, gpgv reports
    /// it expired, and the directory refuses it naming the day.
    /// </summary>
    private async Task<TestSigner> ExpiredAccountAsync(string login)
    {
        var home = _root[$"gpg-{login}"];
        System.IO.Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var threeDaysAgo = DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeSeconds();
        Tool.Run("gpg", "--homedir", home, "--batch", "--no-tty", "--faked-system-time", $"{threeDaysAgo}!", "--pinentry-mode", "loopback",
            "--passphrase", "", "--quick-gen-key", $"{login} <{login}@example.org>", "ed25519", "sign", "2d").Ok();
        var registered = Tool.Run("gpg", "--homedir", home, "--batch", "--armor", "--export", $"{login}@example.org").Ok().Stdout;
        await Directory.AddAsync(new NewAccount(login, login, $"{login}@example.org", []));
        Ok(await Directory.AddOpenPgpKeyAsync(login, System.Text.Encoding.UTF8.GetBytes(registered)));
        Ok(await Directory.GrantAsync(new UploadRight(login, "extras-devel", "bookworm")));
        var fingerprint = Tool.Run("gpg", "--homedir", home, "--batch", "--with-colons", "--list-keys").Ok().Stdout
            .Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        Tool.Run("gpg", "--homedir", home, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-set-expire", fingerprint, "1y").Ok();
        return new TestSigner(home, fingerprint);
    }

    /// <summary>A key made thirty days ago (gpg refuses to sign before a key's own creation): it can make a signature eight days old.</summary>
    private async Task<TestSigner> OldKeyAccountAsync(string login)
    {
        var home = _root[$"gpg-{login}"];
        System.IO.Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var monthAgo = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds();
        Tool.Run("gpg", "--homedir", home, "--batch", "--no-tty", "--faked-system-time", $"{monthAgo}!", "--pinentry-mode", "loopback",
            "--passphrase", "", "--quick-gen-key", $"{login} <{login}@example.org>", "ed25519", "sign", "never").Ok();
        var armored = Tool.Run("gpg", "--homedir", home, "--batch", "--armor", "--export", $"{login}@example.org").Ok().Stdout;
        await Directory.AddAsync(new NewAccount(login, login, $"{login}@example.org", []));
        Ok(await Directory.AddOpenPgpKeyAsync(login, System.Text.Encoding.UTF8.GetBytes(armored)));
        Ok(await Directory.GrantAsync(new UploadRight(login, "extras-devel", "bookworm")));
        var fingerprint = Tool.Run("gpg", "--homedir", home, "--batch", "--with-colons", "--list-keys").Ok().Stdout
            .Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        return new TestSigner(home, fingerprint);
    }

    private static void Ok(AccountChange change)
    {
        if (!change.Changed)
            throw new InvalidOperationException(change.Message);
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        foreach (var key in new[] { Jane, Bob, Carol, Dora, Remy, Ezra, Olga, Stranger })
        {
            if (key is not null)
                GpgAgents.Stop(key.Home);
        }
        Smtp.Dispose();
        _root.Dispose();
    }

    public Task<MimeMessage> WaitForMailAsync(Func<MimeMessage, bool> match, TimeSpan? timeout = null) =>
        Smtp.WaitForMessageAsync(match, timeout ?? TimeSpan.FromSeconds(60));
}

[CollectionDefinition(Name)]
public sealed class UploadersCollection : ICollectionFixture<UploadersFixture>
{
    public const string Name = "uploaders";
}
