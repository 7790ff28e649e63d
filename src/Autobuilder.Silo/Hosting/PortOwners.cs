using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// One owner per port. Orleans opens its listening sockets so that a second process may bind the same
/// port too (SO_REUSEPORT), after which the kernel hands each connection to either at random: a silo
/// left behind and a new one would both answer the console. So before the silo starts, each of its
/// ports is bound once without reuse (which fails while anyone listens there), and once it listens,
/// the listeners of those ports are counted (<see cref="Others"/>): only this process may hold them.
/// </summary>
public static class PortOwners
{
    /// <summary>Throws <see cref="InvalidOperationException"/> naming the holder when the port is taken.</summary>
    public static void EnsureFree(string what, IPAddress address, int port)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new SiloExclusivityException($"{what} port {port} on {address} is already in use by {Describe(Others(port))}");
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"cannot bind {what} port {port} on {address}: {ex.Message}");
        }
    }

    /// <summary>
    /// Listening sockets on <paramref name="port"/> (any address) that do not belong to this process:
    /// the pid when it can be found (/proc/PID/fd of processes of other users is closed to non-root),
    /// else null.
    /// </summary>
    public static IReadOnlyList<int?> Others(int port)
    {
        var inodes = ListeningInodes(port);
        if (inodes.Count == 0)
            return [];
        var own = SocketInodes(Environment.ProcessId);
        var foreign = inodes.Where(i => !own.Contains(i)).ToHashSet();
        if (foreign.Count == 0)
            return [];
        var owners = new List<int?>();
        var found = new HashSet<long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
                continue;
            var held = SocketInodes(pid);
            if (held.Overlaps(foreign))
            {
                owners.Add(pid);
                found.UnionWith(held.Intersect(foreign));
            }
        }
        owners.AddRange(foreign.Where(i => !found.Contains(i)).Select(_ => (int?)null));
        return owners;
    }

    public static string Describe(IReadOnlyList<int?> owners) =>
        owners.Count == 0
            ? "another process (not found: it may have just exited)"
            : string.Join("; ", owners.Distinct().Select(pid => pid is { } p
                ? $"pid {p} ({ProcessDescription.Of(p)})"
                : "a process of another user (run as root to see which)"));

    // /proc/net/tcp{,6}: "sl local_address rem_address st ... uid timeout inode"; 0A is LISTEN; the
    // port is the hex after the colon of local_address.
    private static HashSet<long> ListeningInodes(int port)
    {
        var inodes = new HashSet<long>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
                continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 10 || f[3] != "0A")
                    continue;
                var colon = f[1].LastIndexOf(':');
                if (colon < 0 || !int.TryParse(f[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var p) || p != port)
                    continue;
                if (long.TryParse(f[9], out var inode) && inode != 0)
                    inodes.Add(inode);
            }
        }
        return inodes;
    }

    private static HashSet<long> SocketInodes(int pid)
    {
        var inodes = new HashSet<long>();
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                // "socket:[12345]"
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && long.TryParse(target.AsSpan(8, target.Length - 9), out var inode))
                    inodes.Add(inode);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another user's process (or one that just ended): not ours to read.
        }
        return inodes;
    }
}
