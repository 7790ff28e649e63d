using System.Text.Json.Nodes;

namespace Autobuilder.Silo.Tests.Drop;

/// <summary>
/// The SSH drop fed by a real silo of role "all": the operator's console verbs change the directory,
/// the silo publishes the key index and the areas, and the real sshd with the shipped snippet lets
/// the key in — or, once removed, not.
/// </summary>
public sealed class DropSiloTests
{
    [Fact]
    public async Task Should_LetKeyUploadAndRefuseItAfterRemoval_When_OperatorUsesAccountsVerbs()
    {
        using var host = DropHost.StartForSilo("command", ["bookworm"]);
        using var root = new TempDir("ab-drop-silo-");
        await using var silo = new SiloProcess(root["var"], config =>
        {
            config["Autobuilder"]!["Uploaders"] = new JsonObject
            {
                ["Drop"] = host.SiloDropOptions(),
            };
        });
        await silo.StartAsync();
        var jane = host.NewKey("jane");
        var fingerprint = Tool.Run("ssh-keygen", "-lf", jane.PrivateKeyFile + ".pub").Ok().Stdout.Split(' ')[1];

        Cli(silo, "accounts", "add", "jane", "--name", "Jane Doe", "--email", "jane@example.org").Ok();
        Cli(silo, "accounts", "key", "add", "jane", "--ssh", jane.PrivateKeyFile + ".pub").Ok();
        var file = host.Client.Write("hello_1.0.dsc", "hello\n");
        var put = host.Scp(jane, [file], "bookworm/");
        Assert.True(put.ExitCode == 0, $"{put}\nsshd:\n{host.Log}\nsilo:\n{silo.Output}");
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(host.Area("jane", "bookworm"), "hello_1.0.dsc")));

        Cli(silo, "accounts", "key", "remove", "jane", fingerprint).Ok();
        var refused = host.Scp(jane, [file], "bookworm/again.dsc");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Permission denied (publickey)", refused.Stderr);
        Assert.False(File.Exists(Path.Combine(host.Area("jane", "bookworm"), "again.dsc")));
    }

    private static ToolResult Cli(SiloProcess silo, params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args, .. silo.ConsoleArguments], timeout: TimeSpan.FromMinutes(1));
}

/// <summary>
/// The issue's directory size with the drop on: 10,000 accounts / 20,000 SSH keys imported through
/// the real console into a real silo, then <c>accounts sync</c> (the keyring, the key index and the
/// 10,000 areas written again). Figures printed for docs/benchmarks.md; the bound is loose (the
/// target is 2 s; the machine is a shared, loaded 2-core one).
/// </summary>
public sealed class DropSyncSpeedTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Should_WriteKeyIndexAndAreasOfTenThousandAccounts_When_AccountsSyncRuns()
    {
        using var host = DropHost.StartForSilo("command", ["bookworm"]);
        using var root = new TempDir("ab-drop-speed-");
        var file = root.Write("users.csv", Accounts.AccountDirectorySpeedTests.Csv());
        await using var silo = new SiloProcess(root["var"], config =>
        {
            config["Autobuilder"]!["Uploaders"] = new JsonObject
            {
                ["Drop"] = new JsonObject
                {
                    ["Enabled"] = true,
                    ["Root"] = host.Drop.Root,
                    ["KeyIndex"] = host.Drop.KeyIndex,
                    ["Scripts"] = host.Drop.Scripts,
                },
            };
        });
        await silo.StartAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        AdminCli.Run(silo, "accounts", "import", file, "--json").Ok();
        var imported = clock.Elapsed;
        clock.Restart();
        var sync = AdminCli.Run(silo, "accounts", "sync").Ok();
        var synced = clock.Elapsed;
        output.WriteLine($"drop on: import of 10,000 accounts / 20,000 keys {imported.TotalSeconds:0.00} s (areas made); " +
            $"accounts sync {synced.TotalSeconds:0.00} s wall through the console ({sync.Stdout.Trim()}); load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        Assert.Equal(20_000, File.ReadLines(host.Drop.KeyIndex).Count());
        Assert.Equal(10_000, Directory.GetDirectories(host.Drop.Root).Length);
        Assert.True(Directory.Exists(host.Area("user09999", "bookworm")));
        Assert.True(synced < TimeSpan.FromSeconds(15), $"accounts sync took {synced.TotalSeconds:0.0} s");
    }
}
