using System.Globalization;
using System.Text.RegularExpressions;

namespace Autobuilder.Testing;

/// <summary>
/// Simulated hosts that really are apart, made on this machine for one test run (issue 14 point 8):
/// each host gets its own network namespace with its own address on a private /24 (a veth pair into
/// a bridge of the root namespace, which holds the subnet's first address: the "database host" and
/// the tests' own view), and its own mount namespace in which every other host's data root is
/// covered by an empty read-only tmpfs. A silo started through <see cref="IsolatedHost.Launcher"/>
/// can reach the others only at their advertised addresses (its 127.0.0.1 is its own), and can
/// neither read nor write another host's folders (they are empty there, and writes fail with EROFS).
/// Why mount namespaces and not a unix user per host: the silos run as root (their local slots
/// switch to the slot users), and root passes any mode 0750; a mount hides the folder from root too.
/// Everything goes through iproute2, nsenter, unshare and mount with argument lists (no shell).
/// Names carry the test process's id: a later run removes what a killed run left (its processes,
/// namespaces, links, mounts) before it makes its own.
/// </summary>
public sealed partial class IsolatedHosts : IDisposable
{
    /// <summary>Persistent mount namespaces are bind mounts of /proc/PID/ns/mnt, kept under here (a private mount, as unshare requires).</summary>
    private const string MountRoot = "/run/autobuilder-test-hosts";

    private static readonly Lock CreateGate = new();
    private static int _sequence;
    private readonly List<IsolatedHost> _hosts = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    private IsolatedHosts(string tag, int subnet)
    {
        Tag = tag;
        SubnetOctet = subnet;
    }

    /// <summary>"ab{pid in hex}{letter}": the prefix of every namespace, link and mount folder of this instance.</summary>
    public string Tag { get; }

    private int SubnetOctet { get; }

    /// <summary>The bridge's address in the root namespace: where the hosts reach PostgreSQL and the test machine.</summary>
    public string BridgeAddress => $"10.213.{SubnetOctet}.1";

    /// <summary>The private /24 every host's address is in (for pg_hba).</summary>
    public string Subnet => $"10.213.{SubnetOctet}.0/24";

    private string Bridge => $"{Tag}br";

    private string MountFolder => Path.Combine(MountRoot, Tag);

    public IReadOnlyList<IsolatedHost> Hosts { get { lock (_gate) return [.. _hosts]; } }

    /// <summary>Whether this machine can make them: root (namespaces, mounts, links need it) and iproute2 installed.</summary>
    public static string? Unavailable() =>
        Environment.UserName != "root" ? "isolated hosts need root (network and mount namespaces)"
        : !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip") ? "iproute2 is not installed: run scripts/install-deps"
        : null;

    /// <summary>Removes a killed run's leftovers, picks a free /24 and makes the bridge.</summary>
    public static IsolatedHosts Create()
    {
        if (Unavailable() is { } why)
            throw new InvalidOperationException(why);
        // One at a time in this process: two instances made together would pick the same free subnet.
        lock (CreateGate)
        {
            RemoveLeftovers();
            var sequence = _sequence++;
            var tag = $"ab{Environment.ProcessId:x}{(char)('g' + sequence % 20)}";
            var used = Ip("-4", "-o", "addr", "show").Ok().Stdout;
            // Each instance starts looking past the last one's: a subnet just released is not taken again at once.
            var subnet = Enumerable.Range(0, 250).Select(i => (Environment.ProcessId + sequence + i) % 250 + 1)
                .First(o => !used.Contains($" 10.213.{o}.", StringComparison.Ordinal));
            return Make(new IsolatedHosts(tag, subnet));
        }
    }

    private static IsolatedHosts Make(IsolatedHosts hosts)
    {
        try
        {
            // Ours only if a run of the same process id left it (delete, then create).
            hosts.RemoveOwn();
            Ip("link", "add", hosts.Bridge, "type", "bridge").Ok();
            Ip("addr", "add", $"{hosts.BridgeAddress}/24", "dev", hosts.Bridge).Ok();
            Ip("link", "set", hosts.Bridge, "up").Ok();
            EnsurePrivateMountRoot();
            Directory.CreateDirectory(hosts.MountFolder);
            return hosts;
        }
        catch
        {
            hosts.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A host named <paramref name="name"/> with data root <paramref name="dataRoot"/> (made if missing):
    /// its network namespace and address, its mount namespace hiding every other host's data root,
    /// and its own data root hidden in every other host's. The same host again is returned as it is.
    /// </summary>
    public IsolatedHost Add(string name, string dataRoot)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_hosts.FirstOrDefault(h => h.Name == name) is { } existing)
                return existing;
            var index = _hosts.Count + 2;
            if (index > 250)
                throw new InvalidOperationException("at most 249 isolated hosts on one /24");
            Directory.CreateDirectory(dataRoot);
            var host = new IsolatedHost(name, $"10.213.{SubnetOctet}.{index}", Path.GetFullPath(dataRoot),
                $"{Tag}-{name}", Path.Combine(MountFolder, name));

            // Network: a veth pair, one end on the bridge, the other the host's eth0; its loopback up
            // (a silo's own 127.0.0.1 must still work); the bridge as its way to anything else.
            var veth = $"{Tag}v{index}";
            Ip("netns", "add", host.NetworkNamespace).Ok();
            Ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", host.NetworkNamespace).Ok();
            Ip("link", "set", veth, "master", Bridge, "up").Ok();
            Ip("-n", host.NetworkNamespace, "addr", "add", $"{host.Address}/24", "dev", "eth0").Ok();
            Ip("-n", host.NetworkNamespace, "link", "set", "eth0", "up").Ok();
            Ip("-n", host.NetworkNamespace, "link", "set", "lo", "up").Ok();
            Ip("-n", host.NetworkNamespace, "route", "add", "default", "via", BridgeAddress).Ok();

            // Files: a persistent mount namespace (a copy of the machine's mounts, private from here on)
            // with each other host's data root covered, and this one covered in theirs.
            File.WriteAllBytes(host.MountNamespace, []);
            Tool.Run("unshare", $"--mount={host.MountNamespace}", "--propagation", "private", "true").Ok();
            foreach (var other in _hosts)
            {
                Hide(host, other.DataRoot);
                Hide(other, host.DataRoot);
            }
            // The machine's resolver is not reachable from the private network (nothing routes it out):
            // each lookup (a starting silo makes reverse lookups of the database's address, seen with
            // strace) could only wait out its timeouts. Here lookups fail at once.
            var resolv = Path.Combine(MountFolder, $"{name}.resolv.conf");
            File.WriteAllText(resolv, "# a host apart of the autobuilder tests: no DNS server\nnameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
            Tool.Run("nsenter", $"--mount={host.MountNamespace}", "--", "mount", "--bind", resolv, "/etc/resolv.conf").Ok();
            _hosts.Add(host);
            return host;
        }
    }

    /// <summary>An empty, read-only tmpfs over <paramref name="folder"/> inside <paramref name="host"/>'s mount namespace.</summary>
    private static void Hide(IsolatedHost host, string folder) =>
        Tool.Run("nsenter", $"--mount={host.MountNamespace}", "--", "mount", "-t", "tmpfs", "-o", "ro,size=4k,mode=0",
            "autobuilder-other-host", folder).Ok();

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            RemoveOwn();
        }
    }

    /// <summary>Every namespace, link and mount of this tag, with the processes still inside (orphaned builds, gpg agents).</summary>
    private void RemoveOwn()
    {
        if (Remove(t => t == Tag) is { Count: > 0 } errors)
            throw new InvalidOperationException($"isolated hosts {Tag} not removed: {string.Join("; ", errors)}");
    }

    /// <summary>
    /// What runs whose process is gone left (a killed test run). One that cannot be removed is left:
    /// it has other names and another subnet than ours, and the next run tries again.
    /// </summary>
    private static void RemoveLeftovers() => Remove(tag => TagPattern().Match(tag) is { Success: true } m
        && int.TryParse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var pid)
        && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"));

    private static List<string> Remove(Func<string, bool> isOurs)
    {
        var errors = new List<string>();
        foreach (var ns in Ip("netns", "list").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]))
        {
            if (ns.Split('-')[0] is var tag && !isOurs(tag))
                continue;
            // Each process still in the namespace, by its id: a silo, an orphaned build, a gpg-agent.
            foreach (var pid in Ip("netns", "pids", ns).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Tool.Run("kill", "-KILL", pid.Trim());
            Keep(errors, Ip("netns", "del", ns));
        }
        foreach (var link in Ip("-o", "link", "show").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 3)).Where(p => p.Length == 3).Select(p => p[1].Trim().Split('@')[0]))
        {
            // A veth whose namespace was just deleted may be gone by the time it is named.
            if (TagPattern().Match(link) is { Success: true } m && isOurs(m.Value) && Ip("link", "del", link) is { ExitCode: not 0 } failed
                && !failed.Stderr.Contains("Cannot find device", StringComparison.Ordinal))
                Keep(errors, failed);
        }
        if (Directory.Exists(MountRoot))
        {
            foreach (var folder in Directory.EnumerateDirectories(MountRoot).Where(f => isOurs(Path.GetFileName(f))))
            {
                foreach (var file in Directory.EnumerateFiles(folder))
                {
                    // The namespace ends with its last process; the bind mount is what kept it.
                    var umount = Tool.Run("umount", file);
                    if (umount.ExitCode != 0 && !umount.Stderr.Contains("not mounted", StringComparison.Ordinal))
                        Keep(errors, umount);
                    else
                        File.Delete(file);
                }
                if (!Directory.EnumerateFileSystemEntries(folder).Any())
                    Directory.Delete(folder);
            }
        }
        return errors;
    }

    private static void Keep(List<string> errors, ToolResult result)
    {
        if (result.ExitCode != 0)
            errors.Add($"{result.Command}: {result.Stderr.Trim()}");
    }

    /// <summary>unshare refuses to bind a namespace onto a file of a shared mount: the folder becomes a private mount of its own once.</summary>
    private static void EnsurePrivateMountRoot()
    {
        Directory.CreateDirectory(MountRoot);
        var mounted = File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ') is { Length: > 4 } f && f[4] == MountRoot);
        if (!mounted)
            Tool.Run("mount", "--bind", MountRoot, MountRoot).Ok();
        Tool.Run("mount", "--make-private", MountRoot).Ok();
    }

    private static ToolResult Ip(params string[] args) => Tool.Run("ip", args);

    [GeneratedRegex("^ab([0-9a-f]+)[g-z]")]
    private static partial Regex TagPattern();
}

/// <summary>One simulated host: its address, its namespaces, and how to start a process inside them.</summary>
public sealed record IsolatedHost(string Name, string Address, string DataRoot, string NetworkNamespace, string MountNamespace)
{
    /// <summary>
    /// The command prefix that runs a program on this host: nsenter into both namespaces, which then
    /// execs the program itself (no fork without a PID namespace), so the started process's id is the program's.
    /// </summary>
    public IReadOnlyList<string> Launcher => ["nsenter", $"--net=/run/netns/{NetworkNamespace}", $"--mount={MountNamespace}", "--"];

    /// <summary>Runs <paramref name="command"/> (a program and its arguments) on this host and waits for it.</summary>
    public ToolResult Run(params string[] command) => Tool.Run(Launcher[0], [.. Launcher.Skip(1), .. command], timeout: TimeSpan.FromMinutes(1));
}
