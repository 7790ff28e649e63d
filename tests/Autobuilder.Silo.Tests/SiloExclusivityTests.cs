using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Autobuilder.Silo.Hosting;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>
/// One silo per data root and one owner per port: a second silo refuses to start and names the
/// process in its way; a silo stops on SIGTERM within its bound.
/// </summary>
public sealed class SiloExclusivityTests
{
    [Fact]
    public async Task Should_refuse_to_start_and_name_the_holder_When_another_silo_runs_on_the_data_root()
    {
        using var root = new TempDir("ab-excl-");
        await using var first = new SiloProcess(root["var"]);
        await first.StartAsync();

        // The very same configuration: same data root (and the same ports, but the lock is checked first).
        var second = RunSilo(first.ConfigPath);

        Assert.Equal(2, second.ExitCode);
        Assert.Contains($"another silo runs on data root {Path.GetFullPath(root["var"])}", second.Stderr, StringComparison.Ordinal);
        Assert.Contains($"pid {first.ProcessId}", second.Stderr, StringComparison.Ordinal);
        // The first silo did not notice: it still answers.
        await first.Grains.GetGrain<Grains.IBuildSchedulerGrain>(0).GetStatusAsync();
    }

    [Fact]
    public async Task Should_refuse_to_start_and_name_the_holder_When_its_ports_are_held_by_a_silo_on_another_data_root()
    {
        using var root = new TempDir("ab-excl-");
        await using var first = new SiloProcess(root["first"]);
        await first.StartAsync();
        var config = JsonNode.Parse(File.ReadAllText(first.ConfigPath))!;
        config["Autobuilder"]!["DataRoot"] = root["second"];
        config["Mail"]!["OutboxDirectory"] = Path.Combine(root["second"], "outbox");
        var secondConfig = Path.Combine(root.Path, "second.json");
        File.WriteAllText(secondConfig, config.ToJsonString());

        var second = RunSilo(secondConfig);

        Assert.Equal(2, second.ExitCode);
        Assert.Contains($"port {first.SiloPort} on 127.0.0.1 is already in use by pid {first.ProcessId}", second.Stderr, StringComparison.Ordinal);
        Assert.Contains("autobuilder-silo.dll", second.Stderr, StringComparison.Ordinal);
        // Refused before it took anything: no lock, no state in the second data root.
        Assert.False(Directory.Exists(Path.Combine(root["second"], "state")));
        await first.Grains.GetGrain<Grains.IBuildSchedulerGrain>(0).GetStatusAsync();
    }

    [Fact]
    public async Task Should_free_the_data_root_When_the_holder_was_killed()
    {
        using var root = new TempDir("ab-excl-");
        await using var silo = new SiloProcess(root["var"]);
        await silo.StartAsync();
        await silo.KillAsync();

        // kill -9 runs no shutdown code; the kernel dropped the lock with the process.
        await silo.StartAsync();
        await silo.Grains.GetGrain<Grains.IBuildSchedulerGrain>(0).GetStatusAsync();
    }

    [Fact]
    public void Should_name_every_other_listener_When_processes_share_a_port_with_reuse()
    {
        var port = SiloProcess.FreePort();
        // Two listeners with SO_REUSEPORT, as Orleans opens its ports: the kernel takes both.
        // perl (perl-base is in every Debian system) rather than another .NET process: quick to start.
        const string Listen = "socket(S, PF_INET, SOCK_STREAM, 0) or die; setsockopt(S, SOL_SOCKET, SO_REUSEPORT, 1) or die;"
            + " bind(S, sockaddr_in($ARGV[0], INADDR_LOOPBACK)) or die; listen(S, 5) or die; $| = 1; print \"listening\\n\"; sleep 60";
        using var a = StartListener(Listen, port);
        using var b = StartListener(Listen, port);

        var others = PortOwners.Others(port);

        Assert.Equal([a.Id, b.Id], others.Select(o => o!.Value).Order().ToArray());
        var refused = Assert.Throws<SiloExclusivityException>(() => PortOwners.EnsureFree("gateway", System.Net.IPAddress.Loopback, port));
        Assert.Contains($"pid {a.Id}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"pid {b.Id}", refused.Message, StringComparison.Ordinal);
        a.Kill();
        b.Kill();
    }

    [Fact]
    public async Task Should_stop_within_its_bound_When_sent_SIGTERM()
    {
        using var root = new TempDir("ab-excl-");
        await using var silo = new SiloProcess(root["var"], c => c["Autobuilder"]!["ShutdownSeconds"] = 10);
        await silo.StartAsync();

        var took = await silo.TerminateAsync(TimeSpan.FromSeconds(20));

        Assert.NotNull(took);
        Assert.True(took < TimeSpan.FromSeconds(15), $"stopped after {took?.TotalSeconds:0.0} s");
        Assert.True(silo.ExitCode == 0, $"the silo exited {silo.ExitCode} on SIGTERM:\n{silo.Output}");
    }

    private static ToolResult RunSilo(string config) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder-silo.dll"), "--config", config], timeout: TimeSpan.FromSeconds(60));

    private static Process StartListener(string script, int port)
    {
        var psi = new ProcessStartInfo("perl") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-MSocket");
        psi.ArgumentList.Add("-e");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        var p = Process.Start(psi)!;
        Assert.Equal("listening", p.StandardOutput.ReadLine());
        return p;
    }
}
