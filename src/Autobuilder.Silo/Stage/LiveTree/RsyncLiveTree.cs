using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Autobuilder.Debian.Checksums;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.LiveTree;
using Autobuilder.Grains.Stage.Publishing;
using Autobuilder.Silo.Execution.Ssh;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Stage.LiveTree;

/// <summary>
/// Keeps a repository's remote live tree (<see cref="RepositoryConfig.LiveRemote"/>) on the
/// generation the local live tree serves, with rsync over SSH, in the order the local publish uses:
/// <list type="number">
/// <item>new pool files (never replacing one: a pool name never changes content), held back by
/// <c>--delay-updates</c> until the transfer is complete;</item>
/// <item>the generation folder to <c>dists/.&lt;product&gt;/&lt;name&gt;</c> (unchanged files hard-linked
/// there from the generation the remote serves, <c>--delay-updates</c> again) — no client can reach
/// that folder yet;</item>
/// <item><c>dists/&lt;product&gt;</c>, a symbolic link, replaced by one rename(2) on the remote side;</item>
/// <item>then remote generation folders the local side no longer keeps, and (after a local clean-up
/// removed pool files, which it does only after the grace period) remote pool files the local live
/// pool no longer has.</item>
/// </list>
/// A failure or a kill before step 3 leaves the remote on its previous generation, whole. The host
/// key is pinned: ssh runs with StrictHostKeyChecking=yes against a known_hosts file written here
/// from the configuration, never with accept-new. Nothing from an upload reaches a command line:
/// directories are transferred whole, arguments go as argv, and the two remote commands are words
/// quoted by <see cref="ShellQuote"/>.
/// </summary>
public sealed partial class RsyncLiveTree(StageConfiguration configuration, ILogger<RsyncLiveTree> logger) : ILiveTree
{
    // The name ssh knows the remote by in its configuration and known_hosts: a fixed alias, so the
    // pinned key is looked up whatever host and port are configured.
    private const string Alias = "autobuilder-live";

    // Exit code of rsync when source files vanished during the transfer (a local clean-up ran meanwhile).
    private const int RsyncVanished = 24;

    // sun_path holds 108 bytes; ssh binds the socket under the path plus 17 characters, then renames it.
    private const int MaxControlPath = 90;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    // Repositories whose remote pool has had its deletion pass since the local pool last lost files.
    private readonly ConcurrentDictionary<string, bool> _poolPruned = new(StringComparer.Ordinal);

    // SHA-256 of the public key file last sent to each repository's remote.
    private readonly ConcurrentDictionary<string, string> _keyringSent = new(StringComparer.Ordinal);

    /// <summary>Called after the local pool lost files: the next sync deletes them on the remote too.</summary>
    public void PoolChanged(string repository) => _poolPruned.TryRemove(repository, out _);

    /// <summary>Brings the remote to the generation the local live tree serves for <paramref name="product"/>.</summary>
    public async Task<RemoteSyncOutcome> SyncAsync(RepositoryConfig repository, string product, CancellationToken ct = default)
    {
        var remote = repository.LiveRemote ?? throw new InvalidOperationException($"{repository.Name} has no LiveRemote");
        var gate = Gate(repository);
        await gate.WaitAsync(ct);
        try
        {
            // Read under the gate: a sync that waited must send what is served when it runs, never an older generation.
            var name = LocalLiveTree.ServedFolder(repository, product);
            if (name is null || !GenerationFolder.TryParse(name, out var generation, out var attempt))
                throw new IOException($"{repository.Name}/{product} has no live generation here yet, so there is nothing to send to {remote}");
            var folder = new GenerationFolder(generation, attempt, Path.Combine(StageFolders.LiveGenerations(repository, product), name));
            var outcome = await MakeLiveLockedAsync(new LiveTreeRequest(repository, product, folder, []), remote, ct);
            return new RemoteSyncOutcome(outcome.Generation, outcome.Folder, outcome.At);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <remarks>The generation folder is sent from where it is on this host (the local live tree's, as a rule).</remarks>
    public async Task<LiveTreeOutcome> MakeLiveAsync(LiveTreeRequest request, CancellationToken ct = default)
    {
        var remote = request.Repository.LiveRemote ?? throw new InvalidOperationException($"{request.Repository.Name} has no LiveRemote");
        var gate = Gate(request.Repository);
        await gate.WaitAsync(ct);
        try
        {
            return await MakeLiveLockedAsync(request, remote, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    // The distributions of a repository share its remote pool; one sync at a time there.
    private SemaphoreSlim Gate(RepositoryConfig repository) => _gates.GetOrAdd(repository.Name, _ => new SemaphoreSlim(1, 1));

    private async Task<LiveTreeOutcome> MakeLiveLockedAsync(LiveTreeRequest request, RemoteLiveConfig remote, CancellationToken ct)
    {
        var (repository, product, name, generation) = (request.Repository, request.Product, request.Generation.Name, request.Generation.Generation);
        if (!File.Exists(remote.KeyFile))
            throw new IOException($"its private key file {remote.KeyFile} (LiveRemote.KeyFile) is not on this host");
        var ssh = await PrepareSshAsync(repository, remote, ct);
        var dists = remote.Path + "/dists";
        var generations = $"{dists}/.{product}";

        // Where the remote stands: its dists/<product> link (line 1), whose folder is the base for
        // hard links, and whether it has the archive key (line 2).
        var keyring = repository.PublicKeyPath;
        var remoteKeyring = $"{remote.Path}/{Path.GetFileName(keyring)}";
        var prepare = ShellQuote.Command(["mkdir", "-p", "--", remote.Path + "/pool", generations])
            + " && { " + ShellQuote.Command(["readlink", "--", $"{dists}/{product}"]) + " || echo; }"
            + " && { " + ShellQuote.Command(["test", "-f", remoteKeyring]) + " && " + ShellQuote.Command(["echo", "keyring"]) + " || echo; }";
        var answer = (await SshAsync(ssh, prepare, "preparing the remote tree", ct)).Split('\n');
        var current = Path.GetFileName(answer[0].Trim());
        var previous = current.Length > 0 && GenerationFolder.TryParse(current, out _, out _) ? current : null;
        if (answer.Length < 2 || answer[1].Trim() != "keyring")
            _keyringSent.TryRemove(repository.Name, out _);

        if (File.Exists(keyring))
        {
            var sha = ChecksumSet.ComputeFile(keyring).Sha256;
            if (!_keyringSent.TryGetValue(repository.Name, out var sent) || sent != sha)
            {
                // --checksum: a new key of the same size written in the same second would pass rsync's quick check.
                await RsyncAsync(ssh, ["-t", "--checksum", keyring, $"{Alias}:{remoteKeyring}"], "sending the archive key", false, ct);
                _keyringSent[repository.Name] = sha;
            }
        }

        // 1. Pool files before anything names them; existing ones are never rewritten or deleted here.
        var pool = Path.Combine(repository.LivePath, "pool");
        if (Directory.Exists(pool))
            await RsyncAsync(ssh, ["-rlt", "--ignore-existing", "--delay-updates", pool + "/", $"{Alias}:{remote.Path}/pool/"], "sending pool files", true, ct);

        // 2. The generation folder, unreachable until the switch. --checksum: rsync's quick check
        // takes a file of the same size and the same mtime second as unchanged, and --link-dest
        // then hard-links the served generation's file instead of sending the new one; Release,
        // InRelease and Release.gpg keep their size from one generation to the next and two
        // publishes fall in one second easily, which left the remote serving an old Release over
        // new indices. The local side reads the folder to checksum it (indices only, small beside
        // the pool); the remote side reads only files of equal size.
        List<string> send = ["-rltH", "--checksum", "--delete", "--delay-updates"];
        if (previous is not null && previous != name)
            send.Add($"--link-dest={generations}/{previous}");
        send.AddRange([request.Generation.Path + "/", $"{Alias}:{generations}/{name}/"]);
        await RsyncAsync(ssh, send, $"sending generation folder {name}", false, ct);
        if (previous is not null && previous != name)
            await CarryByHashAsync(ssh, repository, product, previous, name, generations, ct);

        // 3. The switch: a new link beside dists/<product>, renamed over it (mv -T: rename(2), never "into" the folder it points at).
        var temp = $".{product}.{Guid.NewGuid():N}.link";
        var target2 = $".{product}/{name}";
        var swap = ShellQuote.AndThen(
                ["cd", "--", dists],
                ["test", "-f", $"{target2}/InRelease"],
                ["sync", "-f", "."],
                ["ln", "-s", "--", target2, temp],
                ["mv", "-T", "--", temp, product],
                ["sync", "-f", "."])
            + " || { " + ShellQuote.Command(["rm", "-f", "--", temp]) + "; exit 1; }";
        await SshAsync(ssh, swap, $"switching dists/{product} to {name}", ct);
        var at = DateTimeOffset.UtcNow;

        // 4. Clean-up on the remote; the remote is already on the new generation, so a failure here only waits for the next sync.
        try
        {
            // -d, not -r: whole folders go, but nothing inside a kept one (it may hold by-hash files carried above).
            await RsyncAsync(ssh, ["-d", "--delete", "--existing", "--ignore-existing",
                StageFolders.LiveGenerations(repository, product) + "/", $"{Alias}:{generations}/"], "removing old generation folders", true, ct);
            if (Directory.Exists(pool) && !_poolPruned.ContainsKey(repository.Name))
            {
                await RsyncAsync(ssh, ["-r", "--delete", "--existing", "--ignore-existing", pool + "/", $"{Alias}:{remote.Path}/pool/"],
                    "removing pool files clean-up removed here", true, ct);
                _poolPruned[repository.Name] = true;
            }
        }
        catch (IOException ex)
        {
            LogCleanupFailed(logger, repository.Name, product, remote.ToString(), ex.Message);
        }
        return new LiveTreeOutcome(generation, name, at);
    }

    /// <summary>
    /// A remote that fell behind serves a generation the new one need not carry by hash (the local
    /// side carries only generations it superseded within ByHashMinutes): its by-hash files are
    /// added to the new folder before the switch, hard-linked on the remote from the folder it
    /// serves, so a client that read the old InRelease just before the switch still finds them.
    /// </summary>
    private async Task CarryByHashAsync(SshFiles ssh, RepositoryConfig repository, string product, string previous, string name, string generations,
        CancellationToken ct)
    {
        var local = StageFolders.LiveGenerations(repository, product);
        var old = Path.Combine(local, previous);
        var current = Path.Combine(local, name);
        if (!Directory.Exists(old))
            return; // pruned here too (older than KeepGenerations): nothing to read the list from
        var missing = Directory.EnumerateFiles(old, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(old, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => f.Contains("/by-hash/", StringComparison.Ordinal) && !File.Exists(Path.Combine(current, f)))
            .ToList();
        if (missing.Count == 0)
            return;
        var list = Path.Combine(configuration.Database, repository.Name, "live-ssh", $"carry-{product}.list");
        await File.WriteAllLinesAsync(list, missing, ct);
        await RsyncAsync(ssh, ["-lt", "--ignore-existing", "--delay-updates", $"--files-from={list}", $"--link-dest={generations}/{previous}",
            old + "/", $"{Alias}:{generations}/{name}/"], $"carrying the by-hash files of {previous} into {name}", false, ct);
    }

    /// <summary>The ssh configuration and known_hosts file of one repository's remote, written from its configuration.</summary>
    private async Task<SshFiles> PrepareSshAsync(RepositoryConfig repository, RemoteLiveConfig remote, CancellationToken ct)
    {
        var folder = Path.Combine(configuration.Database, repository.Name, "live-ssh");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "ssh_config");
        var knownHosts = Path.Combine(folder, "known_hosts");
        if (folder.Any(c => c is '\'' or '"' or '%' || char.IsControl(c)))
            throw new IOException($"the stage folder {folder} holds a quote or '%', which ssh and rsync would read as syntax");

        string line;
        if (remote.HostKeyBlob is { } blob)
            line = $"{Alias} {remote.HostKeyType} {blob}";
        else if (File.Exists(knownHosts) && ReadKnownHost(knownHosts) is { } known && Fingerprint(known.Blob) == remote.HostKeySha256)
            line = $"{Alias} {known.Type} {known.Blob}";
        else
            line = await ScanHostKeyAsync(remote, ct);
        WriteIfChanged(knownHosts, line + "\n");
        var settings = $"""
            # Written by the autobuilder from Stage:Repositories:{repository.Name}:LiveRemote; edits are overwritten.
            HostName {remote.Host}
            Port {remote.Port}
            User {remote.User}
            IdentityFile "{remote.KeyFile}"
            IdentitiesOnly yes
            IdentityAgent none
            UserKnownHostsFile "{knownHosts}"
            GlobalKnownHostsFile /dev/null
            HostKeyAlias {Alias}
            StrictHostKeyChecking yes
            UpdateHostKeys no
            CheckHostIP no
            BatchMode yes
            ConnectTimeout {Math.Ceiling(remote.Timeout.TotalSeconds)}
            ServerAliveInterval 15
            ServerAliveCountMax 4
            LogLevel ERROR

            """;
        // One SSH connection shared by a sync's six or seven steps (and kept 60 s for the next sync)
        // saves a key exchange and an authentication per step. The socket is named by everything
        // that made the connection (settings and pinned key), so a changed pin, key or target
        // never reuses a connection opened under the old one. A path too long for a unix socket
        // (ssh adds 17 characters while binding it) goes without multiplexing rather than fail.
        var mux = Path.Combine(folder, "mux-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings + line)))[..12]);
        if (Encoding.UTF8.GetByteCount(mux) <= MaxControlPath)
            settings += $"""
                ControlMaster auto
                ControlPath "{mux}"
                ControlPersist 60

                """;
        WriteIfChanged(config, settings);
        return new SshFiles(remote, config);
    }

    /// <summary>
    /// The host's key by ssh-keyscan, kept only when its SHA-256 fingerprint is the pinned one. The
    /// scan itself proves nothing; the pin does, and ssh then makes the host prove it holds the key.
    /// </summary>
    private static async Task<string> ScanHostKeyAsync(RemoteLiveConfig remote, CancellationToken ct)
    {
        var result = await RunAsync("ssh-keyscan", ["-T", $"{Math.Ceiling(remote.Timeout.TotalSeconds)}", "-p", $"{remote.Port}", remote.Host],
            remote.Timeout * 2, ct);
        var offered = new List<string>();
        foreach (var l in result.Stdout.Split('\n'))
        {
            var words = l.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 3 || l.StartsWith('#'))
                continue;
            var fingerprint = Fingerprint(words[2]);
            if (fingerprint is null)
                continue;
            if (fingerprint == remote.HostKeySha256)
                return $"{Alias} {words[1]} {words[2]}";
            offered.Add($"{words[1]} {HostKeyFingerprint.Display(fingerprint)}");
        }
        if (offered.Count == 0)
            throw new IOException($"reading its host key failed ({Describe(result.Stderr, result.ExitCode, remote)})");
        throw new IOException($"host key mismatch: it offers {string.Join(", ", offered)}, not the pinned " +
            $"{HostKeyFingerprint.Display(remote.HostKeySha256)}; refusing to connect (if its key changed on purpose, update LiveRemote.HostKeySha256)");
    }

    private static (string Type, string Blob)? ReadKnownHost(string path)
    {
        var words = File.ReadAllText(path).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 3 ? (words[1], words[2]) : null;
    }

    private static string? Fingerprint(string blob)
    {
        try
        {
            return Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(blob))).TrimEnd('=');
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content)
            return;
        var temp = path + ".new";
        File.WriteAllText(temp, content);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temp, path, overwrite: true);
    }

    private async Task<string> SshAsync(SshFiles ssh, string command, string what, CancellationToken ct)
    {
        var result = await RunAsync("ssh", ["-F", ssh.Config, Alias, command], ssh.Remote.Timeout * 4, ct);
        if (result.ExitCode != 0)
            throw new IOException($"{what} failed: {Describe(result.Stderr, result.ExitCode, ssh.Remote)}");
        return result.Stdout;
    }

    private async Task RsyncAsync(SshFiles ssh, IReadOnlyList<string> arguments, string what, bool vanishedIsFine, CancellationToken ct)
    {
        // --secluded-args: file names travel in rsync's protocol, not through the remote shell.
        List<string> argv = ["--secluded-args", $"--timeout={Math.Ceiling(ssh.Remote.Timeout.TotalSeconds)}", "-e", $"ssh -F '{ssh.Config}'"];
        argv.AddRange(arguments);
        // No overall limit: a large pool takes what it takes; --timeout and ServerAlive catch a stalled one.
        var result = await RunAsync("rsync", argv, Timeout.InfiniteTimeSpan, ct);
        if (result.ExitCode == 0 || (vanishedIsFine && result.ExitCode == RsyncVanished))
            return;
        throw new IOException($"{what} failed: {Describe(result.Stderr, result.ExitCode, ssh.Remote)}");
    }

    /// <summary>One line for an operator from ssh's or rsync's complaint.</summary>
    internal static string Describe(string stderr, int exitCode, RemoteLiveConfig remote)
    {
        bool Says(string s) => stderr.Contains(s, StringComparison.OrdinalIgnoreCase);
        if (Says("Host key verification failed") || Says("REMOTE HOST IDENTIFICATION HAS CHANGED") || Says("No ED25519 host key is known")
            || Says("host key is known for"))
            return "host key verification failed: the host's key is not the pinned one; refusing to connect " +
                "(if its key changed on purpose, update LiveRemote.HostKey or HostKeySha256)";
        if (Says("Permission denied"))
            return Says("publickey")
                ? $"authentication refused for user {remote.User} with key {remote.KeyFile}"
                : $"permission denied on the remote host ({LastLine(stderr)})";
        if (Says("Connection refused"))
            return "connection refused";
        if (Says("Connection timed out") || Says("timed out"))
            return $"no answer within {remote.Timeout.TotalSeconds:0} s";
        if (Says("Could not resolve hostname"))
            return $"cannot resolve host name {remote.Host}";
        if (exitCode == 127 || Says("rsync: command not found") || Says("rsync: not found"))
            return "rsync is not installed on the remote host";
        var last = LastLine(stderr);
        return last.Length > 0 ? $"{last} (exit code {exitCode})" : $"exit code {exitCode}";
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("rsync error:", StringComparison.Ordinal) && !l.StartsWith("rsync: connection unexpectedly closed", StringComparison.Ordinal))
            .ToList();
        var line = lines.Count > 0 ? lines[^1] : text.Trim();
        return string.Concat(line.Select(c => char.IsControl(c) ? ' ' : c));
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan limit,
        CancellationToken ct)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        // Messages in English (they are classified above); nothing from the silo's environment changes what ssh or rsync do.
        psi.Environment["LC_ALL"] = "C";
        foreach (var variable in new[] { "RSYNC_RSH", "RSYNC_OLD_ARGS", "RSYNC_PROTECT_ARGS", "SSH_AUTH_SOCK", "SSH_ASKPASS" })
            psi.Environment.Remove(variable);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (Win32Exception ex)
        {
            throw new IOException($"{program} cannot be run on this host ({ex.Message}); install it (apt-get install {(program == "rsync" ? "rsync" : "openssh-client")})", ex);
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (limit != Timeout.InfiniteTimeSpan)
                bounded.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(bounded.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                ct.ThrowIfCancellationRequested();
                throw new IOException($"{program} did not finish within {limit.TotalSeconds:0} s");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    private sealed record SshFiles(RemoteLiveConfig Remote, string Config);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Repository}/{Product}: removing old files on the remote live tree {Target} failed; the next sync tries again: {Reason}")]
    private static partial void LogCleanupFailed(ILogger logger, string repository, string product, string target, string reason);
}
