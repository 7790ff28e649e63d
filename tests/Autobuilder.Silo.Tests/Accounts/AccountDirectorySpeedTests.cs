using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Grains.Accounts;
using Autobuilder.Silo.Accounts;
using Xunit.Abstractions;

namespace Autobuilder.Silo.Tests.Accounts;

/// <summary>
/// The directory size — 10,000 accounts with 20,000 SSH keys — taken in with one
/// <c>accounts import</c> through the real console into a real silo, then published again with
/// <c>accounts sync</c>; and the same import saved to and loaded from PostgreSQL. The figures are
/// printed (docs/benchmarks.md keeps them); the bounds are loose enough for a loaded 2-core machine.
/// </summary>
public sealed class AccountDirectorySpeedTests(AccountPostgresFixture postgres, ITestOutputHelper output) : IClassFixture<AccountPostgresFixture>
{
    public const int Accounts = 10_000;

    public static string Csv()
    {
        var csv = new StringBuilder("login,name,email,enabled,groups,ssh_keys\n");
        for (var i = 0; i < Accounts; i++)
            csv.Append($"user{i:D5},User {i},user{i}@example.org,A,community,\"{AccountStoreTests.SshLine($"u{i}a")}\n{AccountStoreTests.SshLine($"u{i}b")}\"\n");
        return csv.ToString();
    }

    [Fact]
    public async Task Should_import_ten_thousand_accounts_with_twenty_thousand_keys_in_one_go_and_publish_them_again_quickly()
    {
        using var root = new TempDir("ab-accounts-speed-");
        var file = root.Write("users.csv", Csv());
        await using var silo = new SiloProcess(root["var"]);
        await silo.StartAsync();

        var clock = Stopwatch.StartNew();
        var import = AdminCli.Run(silo, "accounts", "import", file, "--json").Ok();
        var imported = clock.Elapsed;
        clock.Restart();
        var sync = AdminCli.Run(silo, "accounts", "sync").Ok();
        var synced = clock.Elapsed;
        clock.Restart();
        AdminCli.Run(silo, "audit", "--limit", "1").Ok();
        var console = clock.Elapsed;
        clock.Restart();
        var again = AdminCli.Run(silo, "accounts", "import", file, "--json").Ok();
        var reimported = clock.Elapsed;

        output.WriteLine($"import of {Accounts} accounts / {2 * Accounts} SSH keys through the console: {imported.TotalSeconds:0.00} s; " +
            $"accounts sync: {synced.TotalSeconds:0.00} s ({sync.Stdout.Trim()}); a console call that does nothing: {console.TotalSeconds:0.00} s; the same import again (nothing to change): {reimported.TotalSeconds:0.00} s");
        using (var report = JsonDocument.Parse(import.Stdout))
            Assert.Equal(Accounts, report.RootElement.GetProperty("added").GetInt32());
        using (var report = JsonDocument.Parse(again.Stdout))
            Assert.Equal(Accounts, report.RootElement.GetProperty("unchanged").GetInt32());
        Assert.Contains("user09999", AdminCli.Run(silo, "accounts", "show", "user09999").Ok().Stdout);
        Assert.True(imported < TimeSpan.FromSeconds(60), $"import took {imported.TotalSeconds:0.0} s");
        Assert.True(synced < TimeSpan.FromSeconds(10), $"accounts sync took {synced.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Should_save_and_load_ten_thousand_accounts_in_postgresql_quickly()
    {
        var db = await postgres.NewDatabaseAsync();
        var store = new PostgresAccountStore(db);
        var book = new AccountBook(await store.LoadAsync());
        var import = Autobuilder.Admin.Commands.Accounts.AccountImportFile.ParseCsv(Csv(), "users.csv", false);

        var clock = Stopwatch.StartNew();
        var report = book.Import(import, new Dictionary<string, OpenPgpKeyRead>(), new Dictionary<string, string>(), DateTimeOffset.UtcNow);
        var decided = clock.Elapsed;
        clock.Restart();
        await store.SaveAsync(book.TakeChange()!);
        var saved = clock.Elapsed;
        clock.Restart();
        var loaded = new AccountBook(await new PostgresAccountStore(db).LoadAsync());
        var load = clock.Elapsed;

        output.WriteLine($"PostgreSQL: import decided in {decided.TotalSeconds:0.00} s, saved in one transaction in {saved.TotalSeconds:0.00} s, loaded in {load.TotalSeconds:0.00} s");
        Assert.Equal(Accounts, report.Added);
        Assert.Equal(Accounts, loaded.Count);
        Assert.Equal(2 * Accounts, loaded.Snapshot().Accounts.Sum(a => a.SshKeys.Count));
        Assert.True(saved < TimeSpan.FromSeconds(30), $"save took {saved.TotalSeconds:0.0} s");
    }
}
