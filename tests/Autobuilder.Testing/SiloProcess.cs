using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Autobuilder.Testing;

/// <summary>
/// A real autobuilder silo in its own process, with its own data root, ports and configuration,
/// and an Orleans client connected to it. It can be killed with SIGKILL and started again on the
/// same data root, as an operator's machine would be. The silo is the <c>autobuilder-silo.dll</c>
/// beside the caller (the silo tests and the benchmarks reference the silo project for that); its
/// ports are ones the kernel hands out as free, so concurrent test runs and benchmarks never share one.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;
    private IHost? _client;
    private readonly bool _withoutTls;

    public SiloProcess(string dataRoot, Action<JsonObject>? configure = null, string name = "silo")
    {
        Name = name;
        DataRoot = dataRoot;
        SiloPort = FreePort();
        GatewayPort = FreePort();
        // Local builds run as the slot users in folders of theirs outside the data root; each silo
        // gets its own build root (traversable by them: under /tmp, not inside the test's 0700 folder).
        BuildRoot = Path.Combine(Path.GetTempPath(), $"ab-builds-{Guid.NewGuid():N}");
        var config = new JsonObject
        {
            ["Autobuilder"] = new JsonObject
            {
                ["DataRoot"] = dataRoot,
                ["Products"] = new JsonArray("bookworm"),
                ["Architectures"] = new JsonArray(HostArchitecture),
                ["LeaseSeconds"] = 20,
                ["HeartbeatSeconds"] = 1,
                ["IncompleteUploadSeconds"] = 3,
                ["BuildRoot"] = BuildRoot,
                // Real unprivileged accounts (scripts/install-deps makes them): builds never run as the silo.
                ["Slots"] = new JsonArray(
                    new JsonObject { ["Host"] = "localhost", ["User"] = "abbuild1" },
                    new JsonObject { ["Host"] = "localhost", ["User"] = "abbuild2" }),
            },
            ["Mail"] = new JsonObject { ["Host"] = "", ["BuildsList"] = "builds@example.org", ["OutboxDirectory"] = Path.Combine(dataRoot, "outbox") },
            ["Orleans"] = new JsonObject { ["SiloPort"] = SiloPort, ["GatewayPort"] = GatewayPort },
            ["Logging"] = new JsonObject
            {
                ["LogLevel"] = new JsonObject { ["Default"] = "Warning", ["Autobuilder"] = "Information" },
                // Times in the output, to tell what took long when a test times out.
                ["Console"] = new JsonObject { ["FormatterName"] = "simple", ["FormatterOptions"] = new JsonObject { ["TimestampFormat"] = "HH:mm:ss.fff " } },
            },
        };
        configure?.Invoke(config);
        var security = config["Autobuilder"]?["Security"];
        SecurityEnabled = security?["Enabled"]?.GetValue<bool>() ?? true;
        _withoutTls = security?["BenchmarkWithoutTls"]?.GetValue<bool>() ?? false;
        CertificatesFolder = security?["Folder"]?.GetValue<string>() is { Length: > 0 } folder ? folder : Path.Combine(dataRoot, "certs");
        ConfigPath = Path.Combine(dataRoot, "silo.json");
        Directory.CreateDirectory(dataRoot);
        File.WriteAllText(ConfigPath, config.ToJsonString());
    }

    public static string HostArchitecture { get; } = Tool.Run("dpkg", "--print-architecture").Ok().Stdout.Trim();

    /// <summary>For messages: "garage@garage", "builder@builder1" …</summary>
    public string Name { get; }

    public string DataRoot { get; }

    /// <summary>Extra environment variables of the silo process (e.g. a secret a build must never see).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>The silo's process id, once started.</summary>

    /// <summary>Where this silo's local slots build (Autobuilder:BuildRoot), removed on dispose.</summary>
    public string BuildRoot { get; }
    public string ConfigPath { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>What the silo logs once its host has started (src/Autobuilder.Silo/Hosting/StartupReport.cs).</summary>
    private const string StartedLine = "s after the process began";
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The silo's process id while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>
    /// When the last <see cref="StartAsync"/> started the process (this machine's clock, the one the
    /// silo stamps its records with): what a restart's recovery is measured from.
    /// </summary>
    public DateTimeOffset? LastExecAt { get; private set; }

    /// <summary>The silo's exit status once it has ended.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Whether the silo runs the admin plane (mutual TLS, access filter): on unless the configuration turns it off.</summary>
    public bool SecurityEnabled { get; }

    /// <summary>The silo's certificates folder: its CA, made on the first start of role "all", or the one a cluster's fixture made.</summary>
    public string CertificatesFolder { get; }

    /// <summary>The admin certificate the CA made for the user running the tests: what the tests' client and console present.</summary>
    /// <summary>The first start makes an admin certificate named after the unix user the silo runs as.</summary>
    public string ClientCertificate => Path.Combine(CertificatesFolder, "users", (RunAs ?? CertificateNames.ForCurrentUser()) + ".pem");

    /// <summary>
    /// Runs the silo as this unprivileged unix user (setpriv, as a service manager would), the data
    /// root given to it at start; null: as the test's own user (root in CI).
    /// </summary>
    public string? RunAs { get; init; }

    /// <summary>The console's options to talk to this silo as admin.</summary>
    public string[] ConsoleArguments => ["--gateway", Gateway, "--cert", ClientCertificate];

    /// <summary>
    /// The address the tests reach this silo at: 127.0.0.1, or its own address when it runs on an
    /// <see cref="IsolatedHost"/> (set <c>Cluster:AdvertisedAddress</c> to the same in its configuration).
    /// </summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>Its gateway as the console's --gateway takes it: "address:port".</summary>
    public string Gateway => $"{Address}:{GatewayPort}";

    /// <summary>A command prefix the silo is started through (<see cref="IsolatedHost.Launcher"/>: nsenter into its host's namespaces); empty: started directly.</summary>
    public IReadOnlyList<string> Launcher { get; init; } = [];

    /// <summary>The folder whose autobuilder-silo.dll is started: the one beside the caller unless a benchmark compares builds.</summary>
    public string SiloFolder { get; set; } = AppContext.BaseDirectory;

    public IGrainFactory Grains => _client!.Services.GetRequiredService<IClusterClient>();

    public string Incoming(string product = "bookworm") => Path.Combine(DataRoot, "incoming", product);

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo(Launcher.Count > 0 ? Launcher[0] : RunAs is null ? "dotnet" : "/usr/bin/setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The launcher execs what follows it (nsenter without a PID namespace does not fork): the process is still the silo.
        foreach (var part in Launcher.Skip(1))
            psi.ArgumentList.Add(part);
        if (Launcher.Count > 0)
            psi.ArgumentList.Add(RunAs is null ? "dotnet" : "/usr/bin/setpriv");
        if (RunAs is not null)
        {
            var uid = Tool.Run("id", "-u", RunAs).Ok().Stdout.Trim();
            var gid = Tool.Run("id", "-g", RunAs).Ok().Stdout.Trim();
            Tool.Run("chown", "-R", $"{uid}:{gid}", DataRoot).Ok();
            psi.ArgumentList.Add($"--reuid={uid}");
            psi.ArgumentList.Add($"--regid={gid}");
            psi.ArgumentList.Add("--init-groups");
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add("dotnet");
            // The service account has no home of its own; .NET keeps its per-user files under HOME.
            psi.Environment["HOME"] = DataRoot;
            psi.Environment["USER"] = RunAs;
            psi.Environment["LOGNAME"] = RunAs;
        }
        psi.ArgumentList.Add(Path.Combine(SiloFolder, "autobuilder-silo.dll"));
        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(ConfigPath);
        foreach (var (key, value) in Environment)
            psi.Environment[key] = value;
        _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LastExecAt = DateTimeOffset.UtcNow;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ConnectAsync();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
            if (line is not null && line.Contains(StartedLine, StringComparison.Ordinal))
                _started.TrySetResult();
            // AB_TEST_LOGS=folder keeps every silo's output after the test's folders are gone.
            if (System.Environment.GetEnvironmentVariable("AB_TEST_LOGS") is { Length: > 0 } logs)
                File.AppendAllText(Path.Combine(Directory.CreateDirectory(logs).FullName, $"{Name}.log"), line + "\n");
        }
    }

    /// <summary>How long a start may take before it fails (a machine under heavy load may need more than the default).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    private async Task ConnectAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process!.HasExited)
                throw new InvalidOperationException($"silo {Name} exited with {_process.ExitCode} while starting:\n{Output}");
            // Role "all" makes its CA and our admin certificate on its first start.
            if (SecurityEnabled && !File.Exists(ClientCertificate))
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"silo {Name} made no client certificate {ClientCertificate} within {StartTimeout.TotalSeconds:0} s:\n{Output}");
                await Task.Delay(50);
                continue;
            }
            // A client host is costly to build and a refused one was retried only after 500 ms: a
            // plain TCP connect tells first, every 25 ms, when the gateway listens at all.
            if (!await GatewayListensAsync())
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"silo {Name} did not listen on its gateway {Gateway} within {StartTimeout.TotalSeconds:0} s:\n{Output}");
                await Task.Delay(25);
                continue;
            }
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(c =>
            {
                c.UseStaticClustering(new IPEndPoint(IPAddress.Parse(Address), GatewayPort));
                c.Configure<ClusterOptions>(o => { o.ClusterId = "autobuilder"; o.ServiceId = "autobuilder"; });
                if (SecurityEnabled && _withoutTls)
                    c.AddOutgoingGrainCallFilter(new ClientProofFilter(Credential.Load(ClientCertificate))); // a benchmark's silo without TLS (docs/benchmarks.md)
                else if (SecurityEnabled)
                    c.UseAutobuilderSecurity(Credential.Load(ClientCertificate));
            });
            var host = builder.Build();
            try
            {
                await host.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
                _client = host;
                // The silo is up once its scheduler answers; slots announce themselves right after start.
                await Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync();
                // Grains answer before the host has started its last services (the web listeners come
                // after Orleans' lifecycle): a test that asked for a page at once was refused, and a
                // SIGTERM then cut the start short. The silo says when the host has started
                // (StartupReport); a silo whose log does not show it is waited for no longer than this.
                await Task.WhenAny(_started.Task, Task.Delay(TimeSpan.FromSeconds(20)));
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                host.Dispose();
                // The gateway listens before the silo is active; it takes clients a moment later.
                await Task.Delay(100);
            }
            catch (Exception ex)
            {
                host.Dispose();
                throw new TimeoutException($"silo {Name} did not answer within {StartTimeout.TotalSeconds:0} s: {ex.Message}\n{Output}", ex);
            }
        }
    }

    private async Task<bool> GatewayListensAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(Address), GatewayPort), timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a power cut.</summary>
    public async Task KillAsync()
    {
        await DisconnectAsync();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// SIGTERM, as systemd or docker stop a silo; waits at most <paramref name="bound"/> for it to
    /// exit and returns how long it took (null: still running, then killed).
    /// </summary>
    public async Task<TimeSpan?> TerminateAsync(TimeSpan bound)
    {
        await DisconnectAsync();
        if (_process is not { HasExited: false })
            return TimeSpan.Zero;
        var sw = Stopwatch.StartNew();
        Tool.Run("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).Ok();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return sw.Elapsed;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return null;
        }
    }

    /// <summary>SIGKILL at once, before even the client disconnects: for killing in the middle of a short operation.</summary>
    public async Task KillNowAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }
        await DisconnectAsync();
    }

    private async Task DisconnectAsync()
    {
        if (_client is null)
            return;
        try
        {
            await _client.StopAsync(TimeSpan.FromSeconds(1));
        }
        catch (Exception)
        {
        }
        _client.Dispose();
        _client = null;
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        // The stage's signing keys live in <data root>/gnupg; gpg left an agent running for that home.
        GpgAgents.Stop(Path.Combine(DataRoot, "gnupg"));
        try
        {
            if (Directory.Exists(BuildRoot))
                Directory.Delete(BuildRoot, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A build cut off by the kill may still be ending; the temp folder is cleaned eventually.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
