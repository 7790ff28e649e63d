using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// The hosts apart that the cluster fixture runs its silos on (<see cref="IsolatedHosts"/>): what a
/// process on one host can see and reach, and that nothing of them outlives the run, or a killed run.
/// Real namespaces, links and mounts; no silo (seconds).
/// </summary>
public sealed class IsolatedHostsTests : IDisposable
{
    private readonly TempDir _root = new("ab-apart-");

    [Fact]
    public void Should_hide_the_other_hosts_data_roots_and_refuse_writes_there_When_a_process_runs_on_one_host()
    {
        // Arrange
        using var hosts = IsolatedHosts.Create();
        var a = hosts.Add("garage", _root["garage"]);
        var b = hosts.Add("stage", _root["stage"]);
        File.WriteAllText(Path.Combine(a.DataRoot, "mine.txt"), "garage's own");
        File.WriteAllText(Path.Combine(b.DataRoot, "secret.txt"), "stage's own");
        var late = hosts.Add("builder1", _root["builder1"]);
        File.WriteAllText(Path.Combine(late.DataRoot, "late.txt"), "made after the others");

        // Act
        var own = a.Run("cat", Path.Combine(a.DataRoot, "mine.txt"));
        var other = a.Run("cat", Path.Combine(b.DataRoot, "secret.txt"));
        var listing = a.Run("ls", "-A", b.DataRoot);
        var write = a.Run("touch", Path.Combine(b.DataRoot, "planted"));
        var laterHost = a.Run("cat", Path.Combine(late.DataRoot, "late.txt"));
        var fromLater = late.Run("cat", Path.Combine(b.DataRoot, "secret.txt"));

        // Assert: its own folder as it is; the others' empty and read-only, including a host added later.
        Assert.Equal("garage's own", own.Ok().Stdout.Trim());
        Assert.NotEqual(0, other.ExitCode);
        Assert.Contains("No such file", other.Stderr);
        Assert.Equal("", listing.Ok().Stdout);
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("Read-only file system", write.Stderr);
        Assert.NotEqual(0, laterHost.ExitCode);
        Assert.NotEqual(0, fromLater.ExitCode);
        // The test machine itself sees every host's files.
        Assert.Equal("stage's own", File.ReadAllText(Path.Combine(b.DataRoot, "secret.txt")));
        Assert.False(File.Exists(Path.Combine(b.DataRoot, "planted")));
    }

    [Fact]
    public async Task Should_reach_the_private_network_but_not_the_machines_loopback_When_a_process_runs_on_one_host()
    {
        // Arrange: listeners of the test machine, one on its loopback, one on the hosts' bridge.
        using var hosts = IsolatedHosts.Create();
        var a = hosts.Add("builder1", _root["builder1"]);
        var b = hosts.Add("builder2", _root["builder2"]);
        using var loopback = new TcpListener(IPAddress.Loopback, 0);
        using var bridge = new TcpListener(IPAddress.Parse(hosts.BridgeAddress), 0);
        loopback.Start();
        bridge.Start();
        var accepted = bridge.AcceptTcpClientAsync();

        // Act: bash's /dev/tcp, the address and port as arguments (nothing spliced into the script).
        var toLoopback = a.Run("bash", "-c", "exec 3<>/dev/tcp/$0/$1", "127.0.0.1", Port(loopback));
        var toBridge = a.Run("bash", "-c", "exec 3<>/dev/tcp/$0/$1", hosts.BridgeAddress, Port(bridge));
        var addresses = b.Run("ip", "-4", "-o", "addr", "show").Ok().Stdout;

        // Assert
        Assert.NotEqual(0, toLoopback.ExitCode);
        Assert.Contains("Connection refused", toLoopback.Stderr);
        Assert.True(toBridge.ExitCode == 0, toBridge.Stderr);
        using var client = await accepted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(a.Address, ((IPEndPoint)client.Client.RemoteEndPoint!).Address.ToString());
        Assert.Contains($" {b.Address}/24 ", addresses);
        Assert.DoesNotContain(a.Address + "/", addresses);
        Assert.NotEqual(a.Address, b.Address);
    }

    [Fact]
    public void Should_remove_a_killed_runs_processes_namespaces_links_and_mounts_When_hosts_are_made_again()
    {
        // Arrange: what a run whose process died left behind, named after its (now free) process id:
        // a namespace with a process still in it, a bridge, a persistent mount namespace.
        var dead = DeadProcessId();
        var tag = $"ab{dead:x}z";
        var mounts = Path.Combine("/run/autobuilder-test-hosts", tag);
        Tool.Run("ip", "netns", "add", $"{tag}-garage").Ok();
        Tool.Run("ip", "link", "add", $"{tag}br", "type", "bridge").Ok();
        Directory.CreateDirectory(mounts);
        var mountFile = Path.Combine(mounts, "garage");
        File.WriteAllBytes(mountFile, []);
        using var leftover = Process.Start(new ProcessStartInfo("nsenter", ["--net=/run/netns/" + tag + "-garage", "--", "sleep", "600"]))!;
        var mountNs = Tool.Run("unshare", $"--mount={mountFile}", "--propagation", "private", "true");

        // Act
        using (IsolatedHosts.Create())
        {
        }

        // Assert
        Assert.True(mountNs.ExitCode == 0, mountNs.Stderr);
        Assert.True(leftover.WaitForExit(TimeSpan.FromSeconds(10)), "the leftover process was not killed");
        Assert.DoesNotContain(tag, Tool.Run("ip", "netns", "list").Ok().Stdout);
        Assert.DoesNotContain(tag, Tool.Run("ip", "-o", "link", "show").Ok().Stdout);
        Assert.False(Directory.Exists(mounts));
        Assert.DoesNotContain(tag, File.ReadAllText("/proc/self/mountinfo"));
    }

    [Fact]
    public void Should_leave_no_namespace_link_mount_or_process_When_disposed()
    {
        // Arrange
        var hosts = IsolatedHosts.Create();
        var a = hosts.Add("garage", _root["garage"]);
        hosts.Add("stage", _root["stage"]);
        using var inside = Process.Start(new ProcessStartInfo(a.Launcher[0], [.. a.Launcher.Skip(1), "sleep", "600"]))!;

        // Act
        hosts.Dispose();

        // Assert
        Assert.True(inside.WaitForExit(TimeSpan.FromSeconds(10)), "a process on the host outlived it");
        Assert.DoesNotContain(hosts.Tag, Tool.Run("ip", "netns", "list").Ok().Stdout);
        Assert.DoesNotContain(hosts.Tag, Tool.Run("ip", "-o", "link", "show").Ok().Stdout);
        Assert.DoesNotContain(hosts.Tag, File.ReadAllText("/proc/self/mountinfo"));
        Assert.False(Directory.Exists(Path.Combine("/run/autobuilder-test-hosts", hosts.Tag)));
        Assert.DoesNotContain($" {hosts.BridgeAddress}/", Tool.Run("ip", "-4", "-o", "addr", "show").Ok().Stdout);
    }

    private static string Port(TcpListener listener) =>
        ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The id of a process that has just ended (and so of no living run).</summary>
    private static int DeadProcessId()
    {
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        return gone.Id;
    }

    public void Dispose() => _root.Dispose();
}
