using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Autobuilder.Testing;

/// <summary>
/// A real PostgreSQL 15 server of the test's own: initdb into a temporary folder, its own socket
/// folder, listening on 127.0.0.1 at a spare port, stopped and removed on dispose. initdb refuses
/// root, so under root the server runs as the <c>postgres</c> user (runuser with an argument list:
/// no value meets a shell). Tests that need it create a database each.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private const string Superuser = "autobuilder";
    private readonly TempDir _root;
    private readonly StringBuilder _log = new();
    private Process? _server;

    private PostgresServer(TempDir root, int port, string host, string? trustedNetwork)
    {
        _root = root;
        Port = port;
        Host = host;
        _trustedNetwork = trustedNetwork;
    }

    private readonly string? _trustedNetwork;

    public int Port { get; }

    /// <summary>The address connection strings name: 127.0.0.1, or the address given to <see cref="StartAsync"/> (isolated hosts reach it there).</summary>
    public string Host { get; }

    public string DataDirectory => _root["data"];

    /// <summary>Server output, for failure messages.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>
    /// Starts a server on 127.0.0.1; with <paramref name="alsoListenOn"/> (an address of this machine,
    /// e.g. the bridge of <see cref="IsolatedHosts"/>) also there, trusting clients of
    /// <paramref name="trustedNetwork"/> (a CIDR for pg_hba), and its connection strings name that address.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(string? alsoListenOn = null, string? trustedNetwork = null)
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDirectory}/initdb missing): run scripts/install-deps");
        var root = new TempDir("ab-pg-");
        var server = new PostgresServer(root, FreePort(), alsoListenOn ?? "127.0.0.1", trustedNetwork);
        try
        {
            await server.InitAndStartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task InitAndStartAsync()
    {
        var sockets = _root["sockets"];
        Directory.CreateDirectory(sockets);
        // The temporary folder is private to us (0700); the postgres user must reach and own its part.
        File.SetUnixFileMode(_root.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        if (RunsAsRoot)
            Tool.Run("chown", "postgres:postgres", sockets).Ok();

        // Trust on 127.0.0.1 and the private socket only: a throwaway server for one test run.
        AsServerUser(Path.Combine(BinDirectory, "initdb"), ["-D", DataDirectory, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]).Ok();
        // Hosts of the test's own private network (namespaces on this machine) are trusted too.
        if (_trustedNetwork is not null)
            File.AppendAllText(Path.Combine(DataDirectory, "pg_hba.conf"), $"host all all {_trustedNetwork} trust\n");
        await StartServerAsync();
    }

    private async Task StartServerAsync()
    {
        var sockets = _root["sockets"];
        var psi = ServerUserStart(Path.Combine(BinDirectory, "postgres"),
        [
            "-D", DataDirectory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", sockets,
            "-c", Host == "127.0.0.1" ? "listen_addresses=127.0.0.1" : $"listen_addresses=127.0.0.1,{Host}",
            // Test data is thrown away: durability against a crash of the machine only costs time here.
            // synchronous_commit stays on (PostgreSQL's default, as production runs): with it off, a
            // server killed with SIGKILL loses commits it had already acknowledged, and the silos'
            // state would go back in time (DatabaseOutageTests kills it). Without fsync it costs a write(2).
            "-c", "fsync=off", "-c", "full_page_writes=off",
            "-c", "max_connections=200",
        ]);
        _server = Process.Start(psi)!;
        _server.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _server.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_server.HasExited)
                throw new InvalidOperationException($"postgres exited with {_server.ExitCode} while starting:\n{Log}");
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Whether the server is running (started and neither stopped nor killed since).</summary>
    public bool Running => _server is { HasExited: false };

    /// <summary>Fast shutdown (SIGINT to the postmaster: sessions are ended, the data is checkpointed), as `systemctl stop` does.</summary>
    public async Task StopAsync()
    {
        if (_server is not { HasExited: false })
            return;
        if (Postmaster() is { } pid)
            Tool.Run("kill", "-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await _server.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    /// <summary>SIGKILL to the postmaster and each of its processes, as a crash of the server: no checkpoint, crash recovery at the next start.</summary>
    public async Task KillAsync()
    {
        if (_server is not { HasExited: false })
            return;
        if (Postmaster() is { } pid)
        {
            // Its children first (by their ids, read from /proc): a backend left attached to the shared memory stops the next start.
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Tool.Run("kill", ["-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), .. children]);
        }
        await _server.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    /// <summary>Starts the server again on the same port and data (after <see cref="StopAsync"/> or <see cref="KillAsync"/>).</summary>
    public async Task RestartAsync()
    {
        if (Running)
            return;
        _server?.Dispose();
        await StartServerAsync();
    }

    private int? Postmaster()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault()?.Trim(), out var pid) ? pid : null;
    }

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = Superuser,
            Database = database,
            // Killed silos leave connections behind; pooling with a short lifetime keeps the server tidy.
            ConnectionIdleLifetime = 10,
        }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        // The name comes from the test, never from outside; quoted as an identifier all the same.
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            // Fast shutdown: the postmaster (whose pid is the first line of postmaster.pid; ours may
            // be runuser's) ends its backends and exits.
            var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
            var pid = File.Exists(pidFile) ? File.ReadLines(pidFile).FirstOrDefault() : null;
            if (pid is not null)
                Tool.Run("kill", "-INT", pid.Trim());
            if (!_server.WaitForExit(TimeSpan.FromSeconds(10)))
                _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        _root.Dispose();
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private ToolResult AsServerUser(string program, IEnumerable<string> args)
    {
        if (!RunsAsRoot)
            return Tool.Run(program, args);
        if (File.Exists(DataDirectory) || Directory.Exists(DataDirectory))
            throw new InvalidOperationException($"{DataDirectory} exists already");
        // initdb creates the data folder itself; its parent must let postgres create it.
        Tool.Run("chown", "postgres:postgres", _root.Path).Ok();
        return Tool.Run("runuser", ["-u", "postgres", "--", program, .. args]);
    }

    private static ProcessStartInfo ServerUserStart(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(RunsAsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (RunsAsRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program })
                psi.ArgumentList.Add(a);
        }
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return psi;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
