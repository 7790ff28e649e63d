using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Autobuilder.Testing;

/// <summary>
/// A real OpenSSH sshd on 127.0.0.1 with its own configuration, host key, port and authorized-keys
/// folder (ARCHITECTURE.md §9): it stands for one builder host. <see cref="Stop"/> kills the daemon
/// and every session it started, as a host that dies would; <see cref="Start"/> brings it back on
/// the same port with the same host key.
/// </summary>
public sealed class SshServer : IDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private readonly TempDir _dir = new("ab-sshd-");
    private readonly StringBuilder _log = new();
    private Process? _process;

    private SshServer()
    {
        // sshd reads authorized_keys as the logging-in user: the folders on the way must be searchable.
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(AuthorizedKeys);
        File.SetUnixFileMode(AuthorizedKeys, (UnixFileMode)0b111_101_101);
        var hostKey = _dir["host_ed25519"];
        Tool.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-host", "-f", hostKey).Ok();
        // "256 SHA256:abc… test-host (ED25519)"
        HostKeySha256 = Tool.Run("ssh-keygen", "-l", "-E", "sha256", "-f", hostKey + ".pub").Ok().Stdout.Split(' ')[1];
        Port = FreePort();
        File.WriteAllText(Config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            PidFile {_dir["sshd.pid"]}
            AuthorizedKeysFile {AuthorizedKeys}/%u
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin no
            UseDNS no
            MaxStartups 100
            MaxSessions 50
            LogLevel VERBOSE
            Subsystem sftp internal-sftp

            """);
    }

    public int Port { get; }

    /// <summary>"SHA256:…" as ssh-keygen prints it.</summary>
    public string HostKeySha256 { get; }

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>The daemon's process id while it runs (the benchmarks account the CPU of everything under it).</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    private string Config => _dir["sshd_config"];
    private string AuthorizedKeys => _dir["authorized"];

    public static SshServer Start()
    {
        // Privilege separation needs this folder; a machine without a running sshd may lack it.
        Directory.CreateDirectory("/run/sshd");
        var server = new SshServer();
        Tool.Run(Sshd, "-t", "-f", server.Config).Ok();
        server.Resume();
        return server;
    }

    /// <summary>Lets <paramref name="user"/> log in with the key whose public half is <paramref name="publicKey"/>.</summary>
    public void Authorize(string user, string publicKey)
    {
        var file = Path.Combine(AuthorizedKeys, user);
        File.AppendAllText(file, publicKey.Trim() + "\n");
        File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
    }

    /// <summary>Starts the daemon (again) and waits until it accepts connections.</summary>
    public void Resume()
    {
        if (_process is { HasExited: false })
            return;
        var psi = new ProcessStartInfo(Sshd) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-D", "-e", "-f", Config })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        WaitListening(_process, Port, () => Log);
    }

    /// <summary>Kills the daemon and every process under it (sessions, the users' commands): the host is gone.</summary>
    public void Stop()
    {
        if (_process is null || _process.HasExited)
            return;
        // Collect the whole tree first: once the daemon dies its children are re-parented.
        var tree = Descendants(_process.Id).Prepend(_process.Id).ToList();
        foreach (var pid in tree)
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Stop();
        _process?.Dispose();
        _dir.Dispose();
    }

    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1]);
            }
            catch (IOException)
            {
            }
        }
        var result = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            var p = queue.Dequeue();
            foreach (var (child, parent) in parents)
            {
                if (parent == p)
                {
                    result.Add(child);
                    queue.Enqueue(child);
                }
            }
        }
        return result;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits (15 s at most) until an sshd started by a test accepts connections on <paramref name="port"/>; its log in the error when it exits.</summary>
    public static void WaitListening(Process sshd, int port, Func<string> log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (sshd.HasExited)
                throw new InvalidOperationException($"sshd on port {port} exited with {sshd.ExitCode}:\n{log()}");
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}
