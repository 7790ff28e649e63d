using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Drop;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Tests.Drop;

/// <summary>
/// A real drop host for one test: a real sshd on a spare port of 127.0.0.1 with its own host key,
/// whose configuration includes the shipped docs/sshd-autobuilder-drop(-file).conf rendered with
/// this host's paths; the real <c>upload</c> and <c>abdropkeys</c> users (scripts/install-deps);
/// ab-drop-keys and ab-drop-sftp installed from the silo's own copies; and the silo's
/// <see cref="DropAccessWriter"/> writing the key index (or authorized_keys) and the areas.
/// sshd wants the command, the authorized_keys file and every folder above them root-owned and not
/// writable by others, so this host lives under /var/lib and /usr/local/lib, not /tmp.
/// </summary>
public sealed class DropHost : IDisposable
{
    /// <summary>Where the tests install the scripts (root-owned all the way up, as sshd wants).</summary>
    public const string ScriptsFolder = "/usr/local/lib/autobuilder/drop-test";

    public static readonly string[] DefaultProducts = ["fremantle", "diablo"];

    private const UnixFileMode Open = (UnixFileMode)0b111_101_101;
    private readonly string _base;
    private readonly StringBuilder _log = new();
    private readonly DropAccessWriter _writer = new(Microsoft.Extensions.Options.Options.Create(new AutobuilderOptions()), NullLogger<DropAccessWriter>.Instance);
    private readonly Process _sshd;
    private long _version;

    private DropHost(string mode, IReadOnlyList<string> products, bool writeNow)
    {
        Products = products;
        Mode = mode;
        _base = Path.Combine("/var/lib/autobuilder-drop-test", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_base, Open);
        File.SetUnixFileMode("/var/lib/autobuilder-drop-test", Open);
        Client = new TempDir("ab-drop-client-");
        DropScripts.Install(ScriptsFolder);
        Drop = new DropOptions
        {
            Enabled = true,
            Mode = mode,
            Root = Path.Combine(_base, "drop"),
            KeyIndex = Path.Combine(_base, "keys", "index"),
            AuthorizedKeysFile = Path.Combine(_base, "ssh", "authorized_keys"),
            Scripts = ScriptsFolder,
        };
        // The first write makes the folders sshd checks; sshd -t does not need them, logins do.
        // A test whose silo writes them leaves that to the silo.
        if (writeNow)
            Publish();

        var hostKey = Path.Combine(_base, "host_ed25519");
        Tool.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "drop-test-host", "-f", hostKey).Ok();
        Port = FreePort();
        File.WriteAllText(Client["known_hosts"], $"[127.0.0.1]:{Port} {File.ReadAllText(hostKey + ".pub").Trim()}\n");
        var snippet = Path.Combine(_base, "autobuilder-drop.conf");
        File.WriteAllText(snippet, RenderSnippet(mode, Drop));
        var config = Path.Combine(_base, "sshd_config");
        // What a Debian 12 sshd_config has around the snippet: the sftp subsystem, no PAM here (no PAM stack in CI).
        File.WriteAllText(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            PidFile {Path.Combine(_base, "sshd.pid")}
            UsePAM no
            StrictModes yes
            PermitRootLogin no
            UseDNS no
            LogLevel VERBOSE
            Subsystem sftp /usr/lib/openssh/sftp-server
            AuthorizedKeysFile none
            Include {snippet}

            """);
        Directory.CreateDirectory("/run/sshd");
        Tool.Run("/usr/sbin/sshd", "-t", "-f", config).Ok();
        var psi = new ProcessStartInfo("/usr/sbin/sshd") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-D", "-e", "-f", config })
            psi.ArgumentList.Add(a);
        _sshd = Process.Start(psi)!;
        _sshd.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _sshd.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _sshd.BeginErrorReadLine();
        _sshd.BeginOutputReadLine();
        WaitListening();
    }

    public string Mode { get; }
    public DropOptions Drop { get; }
    public TempDir Client { get; }
    public int Port { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    public IReadOnlyList<string> Products { get; }

    /// <summary>A host whose files this test writes with <see cref="Publish"/>.</summary>
    public static DropHost Start(string mode) => new(mode, DefaultProducts, writeNow: true);

    /// <summary>A host whose files a silo writes (configure it with <see cref="Drop"/>).</summary>
    public static DropHost StartForSilo(string mode, IReadOnlyList<string> products) => new(mode, products, writeNow: false);

    /// <summary>The shipped snippet with this host's paths in place of the defaults (nothing else changes).</summary>
    public static string RenderSnippet(string mode, DropOptions drop)
    {
        var defaults = new DropOptions();
        var file = mode == "file" ? "sshd-autobuilder-drop-file.conf" : "sshd-autobuilder-drop.conf";
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", file));
        Assert.Contains($"Match User {defaults.User}", text);
        return text
            .Replace(defaults.Scripts, drop.Scripts, StringComparison.Ordinal)
            .Replace(defaults.KeyIndex, drop.KeyIndex, StringComparison.Ordinal)
            .Replace(defaults.AuthorizedKeysFile, drop.AuthorizedKeysFile, StringComparison.Ordinal)
            .Replace(defaults.Root, drop.Root, StringComparison.Ordinal);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autobuilder.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("cannot find Autobuilder.sln above the tests");
    }

    /// <summary>Writes the directory as the silo would after a change.</summary>
    public DropWriteResult Publish(params AccountDetails[] accounts) =>
        _writer.Write(new AccountSnapshot(++_version, accounts), Drop, Products);

    /// <summary>An account with the given keys (public key lines as ssh-keygen writes them).</summary>
    public static AccountDetails Account(string login, bool enabled, params SshKey[] keys) => new(
        login, $"{login} Uploader", $"{login}@example.org", enabled, [],
        keys.Select(k =>
        {
            var parts = k.PublicKey.Split(' ');
            return new SshPublicKey(DropKeyLines.Fingerprint(parts[0], parts[1])!, parts[0], parts[1], parts.Length > 2 ? parts[2] : "", DateTimeOffset.UtcNow);
        }).ToList(), [], [], [], DateTimeOffset.UtcNow, enabled ? null : "disabled by the test");

    /// <summary>"Autobuilder:Uploaders:Drop" of a silo that serves this host's drop.</summary>
    public JsonObject SiloDropOptions() => new()
    {
        ["Enabled"] = true,
        ["Mode"] = Drop.Mode,
        ["Root"] = Drop.Root,
        ["KeyIndex"] = Drop.KeyIndex,
        ["AuthorizedKeysFile"] = Drop.AuthorizedKeysFile,
        ["Scripts"] = Drop.Scripts,
    };

    public SshKey NewKey(string name) => SshKey.Generate(Client["keys"], name);

    public string Area(string login, string product) => Path.Combine(Drop.Root, login, product);

    /// <summary>The options every client here uses: this key only, this host key pinned, never a prompt.</summary>
    public string[] ClientOptions(SshKey key) =>
    [
        "-o", "IdentityFile=" + key.PrivateKeyFile, "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
        "-o", "UserKnownHostsFile=" + Client["known_hosts"], "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes", "-o", "PasswordAuthentication=no", "-o", "ConnectTimeout=15", "-o", "LogLevel=ERROR",
    ];

    public ToolResult Ssh(SshKey key, params string[] args) =>
        Tool.Run("ssh", [.. ClientOptions(key), "-p", Port.ToString(), "-T", $"{Drop.User}@127.0.0.1", .. args], timeout: TimeSpan.FromSeconds(60));

    public ToolResult Scp(SshKey key, IEnumerable<string> files, string remote, params string[] extra) =>
        Tool.Run("scp", [.. ClientOptions(key), "-P", Port.ToString(), .. extra, .. files, $"{Drop.User}@127.0.0.1:{remote}"], timeout: TimeSpan.FromSeconds(60));

    /// <summary>sftp -b: a failing command stops the batch unless it starts with '-'.</summary>
    public ToolResult Sftp(SshKey key, string batch) =>
        Tool.Run("sftp", [.. ClientOptions(key), "-P", Port.ToString(), "-b", "-", $"{Drop.User}@127.0.0.1"], stdin: batch, timeout: TimeSpan.FromSeconds(60));

    /// <summary>Real dput, method scp, with a dput.cf of its own naming this host (the incoming folder is the product).</summary>
    public ToolResult Dput(SshKey key, string product, string changes)
    {
        var cf = Client[$"dput-{Path.GetFileName(key.PrivateKeyFile)}.cf"];
        var options = string.Join("\n    ", ClientOptions(key).Where((_, i) => i % 2 == 1).Append($"Port={Port}"));
        File.WriteAllText(cf, $"""
            [drop]
            fqdn = 127.0.0.1
            method = scp
            login = {Drop.User}
            incoming = {product}
            allow_unsigned_uploads = 1
            ssh_config_options = {options}

            """);
        return Tool.Run("dput", ["-c", cf, "-u", "drop", changes], timeout: TimeSpan.FromSeconds(120));
    }

    public void Dispose()
    {
        try
        {
            if (!_sshd.HasExited)
                _sshd.Kill(entireProcessTree: true);
            _sshd.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        _sshd.Dispose();
        Client.Dispose();
        try
        {
            Directory.Delete(_base, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void WaitListening() => SshServer.WaitListening(_sshd, Port, () => Log);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
