using Autobuilder.Admin;
using Autobuilder.Admin.Commands.Accounts;

namespace Autobuilder.Admin.Tests.Accounts;

/// <summary>The import formats of docs/accounts-import.md, and the token expiry words.</summary>
public sealed class AccountImportFileTests
{
    [Fact]
    public void Should_read_quoted_commas_line_broken_keys_gforge_separators_and_status_When_given_csv()
    {
        var csv = "login,name,email,enabled,groups,ssh_keys\r\n" +
            "jane,\"Doe, Jane \"\"JD\"\"\",jane@example.org,A,maemo core,\"ssh-ed25519 AAAA1 a\nssh-ed25519 AAAA2 b\"\r\n" +
            "bob,Bob,bob@example.org,S,,ssh-rsa AAAA3###ssh-rsa AAAA4\r\n";

        var import = AccountImportFile.ParseCsv(csv, "users.csv", replaceSshKeys: true);

        Assert.True(import.ReplaceSshKeys);
        Assert.Equal(2, import.Accounts.Count);
        var jane = import.Accounts[0];
        Assert.Equal(("jane", "Doe, Jane \"JD\"", "jane@example.org", true), (jane.Login, jane.RealName, jane.Email, jane.Enabled));
        Assert.Equal(["maemo", "core"], jane.Groups);
        Assert.Equal(["ssh-ed25519 AAAA1 a", "ssh-ed25519 AAAA2 b"], jane.SshKeys);
        Assert.False(import.Accounts[1].Enabled);
        Assert.Equal(["ssh-rsa AAAA3", "ssh-rsa AAAA4"], import.Accounts[1].SshKeys);
    }

    [Fact]
    public void Should_refuse_the_file_with_the_reason_When_a_column_is_missing_or_unknown_or_a_quote_never_closes()
    {
        Assert.Contains("no column 'email'", Assert.Throws<ConsoleException>(() => AccountImportFile.ParseCsv("login,name\njane,Jane\n", "f.csv", false)).Message);
        Assert.Contains("unknown column 'shell'", Assert.Throws<ConsoleException>(() => AccountImportFile.ParseCsv("login,name,email,shell\n", "f.csv", false)).Message);
        Assert.Contains("never closed", Assert.Throws<ConsoleException>(() => AccountImportFile.ParseCsv("login,name,email\n\"jane,x,y\n", "f.csv", false)).Message);
        Assert.Contains("enabled is 'maybe'", Assert.Throws<ConsoleException>(() => AccountImportFile.ParseCsv("login,name,email,enabled\njane,J,j@example.org,maybe\n", "f.csv", false)).Message);
    }

    [Fact]
    public void Should_read_accounts_and_rights_and_refuse_unknown_fields_When_given_json()
    {
        var json = """
            {
              "accounts": [ { "login": "jane", "name": "Jane", "email": "jane@example.org", "groups": ["maemo"],
                              "sshKeys": ["ssh-ed25519 AAAA1 a"], "openPgpKeys": ["-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n"] } ],
              "rights": [ { "subject": "@maemo", "repository": "extras-devel", "product": "*" },
                          { "subject": "jane", "repository": "extras-devel", "product": "fremantle", "source": "hello" } ]
            }
            """;

        var import = AccountImportFile.ParseJson(json, "c.json", false);

        Assert.True(import.Accounts[0].Enabled);
        Assert.Single(import.Accounts[0].OpenPgpKeys);
        Assert.Null(import.Rights[0].Source);
        Assert.Equal("hello", import.Rights[1].Source);
        Assert.Contains("c.json", Assert.Throws<ConsoleException>(() => AccountImportFile.ParseJson("""{ "acounts": [] }""", "c.json", false)).Message);
    }

    [Fact]
    public void Should_read_dates_and_times_from_now_When_parsing_a_token_expiry()
    {
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Null(AccountsTokenAddCommand.ParseExpiry(null, now));
        Assert.Equal(now.AddDays(90), AccountsTokenAddCommand.ParseExpiry("90d", now));
        Assert.Equal(now.AddHours(12), AccountsTokenAddCommand.ParseExpiry("12h", now));
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero), AccountsTokenAddCommand.ParseExpiry("2027-06-30", now));
        Assert.Throws<ConsoleException>(() => AccountsTokenAddCommand.ParseExpiry("soon", now));
    }
}
