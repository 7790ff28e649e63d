using System.Text.Json;
using Autobuilder.Grains.Security;

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

        // The keyring keeps every key the directory ever held: gpgv still checks the math, the directory says why not.
        Cli(silo, null, "accounts", "key", "remove", "jane", gpg.Fingerprint).Ok();
        Assert.Equal(0, Tool.Run("gpgv", "--keyring", keyring, signed).ExitCode);
        Cli(silo, null, "accounts", "remove", "jane").Ok();
        var stillThere = Tool.Run("gpgv", "--status-fd", "1", "--keyring", keyring, signed);
        Assert.Equal(0, stillThere.ExitCode);
        Assert.Contains(gpg.Fingerprint, stillThere.Stdout);
    }

    [Fact]
    public async Task Should_refuse_a_reader_and_audit_an_operators_disable_key_removal_token_revocation_and_removal()
    {
        using var root = new TempDir("ab-accounts-");
        var ssh = SshKey.Generate(root["keys"], "bob");
        var second = SshKey.Generate(root["keys"], "bob2");
        await using var silo = new SiloProcess(root["var"]);
        await silo.StartAsync();
        var authority = new CertificateAuthority(silo.CertificatesFolder);
        authority.Issue("rita", AccessRole.Reader, TimeSpan.FromDays(1));
        authority.Issue("olga", AccessRole.Operator, TimeSpan.FromDays(1));
        string[] asReader = ["--cert", authority.UserPath("rita")];
        string[] asOperator = ["--cert", authority.UserPath("olga")];
        ToolResult As(string[] who, params string[] args) =>
            Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args, "--gateway", $"127.0.0.1:{silo.GatewayPort}", .. who],
                timeout: TimeSpan.FromMinutes(1));

        var refused = As(asReader, "accounts", "add", "mallory", "--name", "M", "--email", "m@example.org");
        Assert.Equal(77, refused.ExitCode);
        Assert.Contains("certificate 'rita' has role reader", refused.Stderr);
        Assert.Contains("needs role operator", refused.Stderr);

        As(asOperator, "accounts", "add", "bob", "--name", "Bob Roe", "--email", "bob@example.org").Ok();
        As(asOperator, "accounts", "key", "add", "bob", "--ssh", ssh.PrivateKeyFile + ".pub").Ok();
        As(asOperator, "accounts", "key", "add", "bob", "--ssh", second.PrivateKeyFile + ".pub").Ok();
        var token = JsonDocument.Parse(As(asOperator, "accounts", "token", "add", "bob", "--json").Ok().Stdout).RootElement.GetProperty("id").GetString()!;
        // A reader may look.
        Assert.Contains("bob", As(asReader, "accounts", "list").Ok().Stdout);

        var fingerprint = Tool.Run("ssh-keygen", "-lf", ssh.PrivateKeyFile + ".pub").Ok().Stdout.Split(' ')[1];
        As(asOperator, "accounts", "key", "remove", "bob", fingerprint).Ok();
        As(asOperator, "accounts", "token", "revoke", "bob", token).Ok();
        As(asOperator, "accounts", "disable", "bob", "--reason", "on leave").Ok();
        using (var shown = JsonDocument.Parse(As(asReader, "accounts", "show", "bob", "--json").Ok().Stdout))
        {
            var a = shown.RootElement;
            Assert.False(a.GetProperty("enabled").GetBoolean());
            Assert.Equal("on leave", a.GetProperty("disabledReason").GetString());
            Assert.Equal(1, a.GetProperty("sshKeys").GetArrayLength());
            Assert.NotEqual(fingerprint, a.GetProperty("sshKeys")[0].GetProperty("fingerprint").GetString());
            Assert.NotEqual(JsonValueKind.Null, a.GetProperty("tokens")[0].GetProperty("revokedAt").ValueKind);
        }
        var missing = As(asOperator, "accounts", "key", "remove", "bob", fingerprint);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains($"account bob has no SSH key {fingerprint}", missing.Stderr);

        As(asOperator, "accounts", "remove", "bob").Ok();
        var gone = As(asReader, "accounts", "show", "bob");
        Assert.Equal(2, gone.ExitCode);
        Assert.Contains("there is no account bob", gone.Stderr);

        var audit = As(asReader, "audit", "--json", "--limit", "100").Ok();
        using var doc = JsonDocument.Parse(audit.Stdout);
        var entries = doc.RootElement.EnumerateArray()
            .Select(e => (Who: e.GetProperty("who").GetString()!, What: e.GetProperty("what").GetString()!)).ToList();
        Assert.Contains(entries, e => e.Who == "olga" && e.What.StartsWith("IAccountDirectoryGrain.AddAsync(", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Who == "olga" && e.What.StartsWith("IAccountDirectoryGrain.SetEnabledAsync(", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Who == "olga" && e.What.StartsWith("IAccountDirectoryGrain.RemoveAsync(", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Who == "rita");
        // The token's secret never reaches the audit log (only its id is an argument).
        Assert.DoesNotContain("abt.", audit.Stdout);
    }

    [Fact]
    public async Task Should_import_a_gforge_style_csv_once_and_report_nothing_new_the_second_time()
    {
        using var root = new TempDir("ab-accounts-");
        var jane = SshKey.Generate(root["keys"], "jane");
        var bob = SshKey.Generate(root["keys"], "bob");
        var csv = root.Write("users.csv",
            "login,name,email,enabled,groups,ssh_keys\n" +
            $"jane,\"Doe, Jane\",jane@example.org,A,maemo,\"{jane.PublicKey}\n{bob.PublicKey}\"\n" +
            $"bob,Bob Roe,bob@example.org,S,,\"no-pty {bob.PublicKey}\"\n" +
            "Not Valid,X,x@example.org,A,,\n");
        await using var silo = new SiloProcess(root["var"]);
        await silo.StartAsync();

        var first = Cli(silo, null, "accounts", "import", csv);
        var second = Cli(silo, null, "accounts", "import", csv, "--json");

        Assert.Equal(1, first.ExitCode);
        Assert.Contains("2 added, 0 updated, 0 unchanged, 2 skipped", first.Stdout);
        Assert.Contains("skipped bob SSH key 1: authorized_keys options ('no-pty') are refused", first.Stdout);
        Assert.Contains("skipped Not Valid:", first.Stdout);
        using var report = JsonDocument.Parse(second.Stdout);
        Assert.Equal(0, report.RootElement.GetProperty("added").GetInt32());
        Assert.Equal(2, report.RootElement.GetProperty("unchanged").GetInt32());
        using var shown = JsonDocument.Parse(Cli(silo, null, "accounts", "show", "jane", "--json").Ok().Stdout);
        Assert.Equal("Doe, Jane", shown.RootElement.GetProperty("realName").GetString());
        Assert.Equal(2, shown.RootElement.GetProperty("sshKeys").GetArrayLength());
        Assert.Contains("disabled", Cli(silo, null, "accounts", "list").Ok().Stdout);
    }
}
