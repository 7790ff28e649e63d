using System.Text.Json;

namespace Autobuilder.Silo.Tests.Accounts;

/// <summary>
/// The account directory through the real console against a real silo of role "all": accounts,
/// keys made by the real ssh-keygen and gpg, rights, tokens; everything kept across a kill and a
/// restart; and the published keyring verifying a real signature with the real gpgv.
/// </summary>
public sealed class AccountsConsoleTests
{
    private static ToolResult Cli(SiloProcess silo, string? stdin, params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args, .. silo.ConsoleArguments],
            stdin: stdin, timeout: TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Should_keep_accounts_keys_rights_and_tokens_When_the_silo_is_killed_and_started_again()
    {
        using var root = new TempDir("ab-accounts-");
        using var gpg = UploaderGpgKey.Create(root["jane-gnupg"], "Jane Doe <jane@example.org>", "1y");
        var ssh = SshKey.Generate(root["keys"], "jane");
        var sshFingerprint = Tool.Run("ssh-keygen", "-lf", ssh.PrivateKeyFile + ".pub").Ok().Stdout.Split(' ')[1];
        await using var silo = new SiloProcess(root["var"]);
        await silo.StartAsync();

        Cli(silo, null, "accounts", "add", "jane", "--name", "Jane Doe", "--email", "jane@example.org", "--group", "maemo").Ok();
        var ssh1 = Cli(silo, null, "accounts", "key", "add", "jane", "--ssh", ssh.PrivateKeyFile + ".pub").Ok();
        Assert.Contains(sshFingerprint, ssh1.Stdout);
        var pgp = Cli(silo, gpg.ArmoredPublicKey, "accounts", "key", "add", "jane", "--openpgp", "-").Ok();
        Assert.Contains(gpg.Fingerprint, pgp.Stdout);
        Cli(silo, null, "accounts", "grant", "jane", "extras-devel", "bookworm").Ok();
        Cli(silo, null, "accounts", "grant", "@maemo", "extras-testing", "*").Ok();
        var token = JsonDocument.Parse(Cli(silo, null, "accounts", "token", "add", "jane", "--note", "dput", "--json").Ok().Stdout).RootElement;
        Assert.StartsWith("abt.", token.GetProperty("token").GetString());

        // Once more is no change (exit 1), and says so.
        var again = Cli(silo, null, "accounts", "grant", "jane", "extras-devel", "bookworm");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("granted already", again.Stdout);

        var before = Cli(silo, null, "accounts", "show", "jane", "--json").Ok().Stdout;
        using (var shown = JsonDocument.Parse(before))
        {
            var a = shown.RootElement;
            Assert.Equal("jane@example.org", a.GetProperty("email").GetString());
            Assert.Equal(sshFingerprint, a.GetProperty("sshKeys")[0].GetProperty("fingerprint").GetString());
            Assert.Equal(gpg.Fingerprint, a.GetProperty("openPgpKeys")[0].GetProperty("fingerprint").GetString());
            Assert.True(a.GetProperty("openPgpKeys")[0].GetProperty("expires").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(360));
            var rights = a.GetProperty("rights").EnumerateArray().Select(r => $"{r.GetProperty("subject").GetString()} {r.GetProperty("repository").GetString()}/{r.GetProperty("product").GetString()}").ToList();
            Assert.Equal(["@maemo extras-testing/*", "jane extras-devel/bookworm"], rights);
            Assert.Equal(token.GetProperty("id").GetString(), a.GetProperty("tokens")[0].GetProperty("id").GetString());
            Assert.DoesNotContain(token.GetProperty("token").GetString()!, before);
        }

        // The keyring the silo published verifies the uploader's signature with the real gpgv.
        var signed = root.Write("signed.txt", gpg.ClearSign("Source: hello\n"));
        var keyring = Path.Combine(silo.DataRoot, "accounts", "keyring.gpg");
        var gpgv = Tool.Run("gpgv", "--status-fd", "1", "--keyring", keyring, signed);
        Assert.True(gpgv.ExitCode == 0, gpgv.ToString());
        Assert.Contains($"VALIDSIG", gpgv.Stdout);
        Assert.Contains(gpg.Fingerprint, gpgv.Stdout);

        await silo.KillAsync();
        File.Delete(keyring);
        await silo.StartAsync();
        Assert.Equal(before, Cli(silo, null, "accounts", "show", "jane", "--json").Ok().Stdout);
        // Published again at start.
        Assert.True(File.Exists(keyring), "the keyring was not written again at silo start");
        Assert.Equal(0, Tool.Run("gpgv", "--keyring", keyring, signed).ExitCode);
    }
}
