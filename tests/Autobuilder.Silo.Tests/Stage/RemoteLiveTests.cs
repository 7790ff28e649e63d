using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Silo.Stage.LiveTree;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// A repository whose live tree is on a "remote host": a real OpenSSH sshd on 127.0.0.1 started
/// here, logged into as the unix user <see cref="User"/>, with files sent by the real rsync. apt
/// reads that remote tree (file: URI on this same machine) and installs from it.
/// </summary>
public sealed class RemoteLiveTests
{
    // A user of its own: the builder-slot users (abslot1..3) are used by other tests at the same time.
    private const string User = "ablive";
    private const string Dist = "extras-devel/bookworm";

    [Fact]
    public async Task Should_let_apt_install_from_the_remote_tree_and_drop_removed_pool_files_there_When_LiveRemote_is_configured()
    {
        // Arrange
        using var remote = RemoteHost.Start();
        using var root = new TempDir("ab-remote-live-");
        // No by-hash window: generations still carried by hash are kept past KeepGenerations (ByHashRetentionTests).
        await using var silo = new SiloProcess(root["var"], c => Configure(c, remote, pin: remote.Server.HostKeySha256, byHashMinutes: 0, keepGenerations: 2));
        await silo.StartAsync();
        await StageQueue.WaitAsync(silo, Dist, d => d.Status.Remote?.Generation is not null, "on the remote once");

        // Act
        StageQueue.Drop(silo, new StagePackage("ab-remote", Architectures: ["amd64", "i386"], WithAllPackage: true), root["scratch"]);
        var details = await StageQueue.WaitForAsync(silo, Dist, "ab-remote", "1.0-1");
        var show = AutobuilderCli.Run(silo, "repo", "show", Dist);
        var json = AutobuilderCli.Run(silo, "repo", "show", Dist, "--json");

        // Assert: apt on the remote tree, which the remote user wrote (so it went through ssh).
        var s = details.Status;
        Assert.Equal(s.PublishedGeneration, s.Remote!.Generation);
        Assert.Null(s.Remote.LastError);
        Assert.Equal($"{User}@127.0.0.1:{remote.Server.Port}:{remote.Path}", s.Remote.Target);
        var (folder, packages) = LiveTree.AssertConsistent(remote.Path, "bookworm", remote.Keyring);
        Assert.Equal(s.Remote.Folder, Path.GetFileName(folder));
        Assert.Contains(packages, p => p.Package == "ab-remote");
        Assert.Equal(User, Tool.Run("stat", "-c", "%U", Path.Combine(remote.Path, "pool/main/a/ab-remote/ab-remote_1.0-1_amd64.deb")).Ok().Stdout.Trim());
        Assert.NotNull(new DirectoryInfo(Path.Combine(remote.Path, "dists", "bookworm")).LinkTarget);
        AssertInstallsFromRemote(remote, "ab-remote", "ab-remote-data");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains($"Remote live:   {s.Remote.Target}: in sync, generation {s.PublishedGeneration} (folder {s.Remote.Folder}, synced", show.Stdout);
        Assert.Equal(s.PublishedGeneration, JsonNode.Parse(json.Stdout)!["status"]!["remote"]!["generation"]!.GetValue<long>());

        // Act 2: removed and cleaned up (no grace here): the remote pool loses the files too, after its switch.
        var removed = AutobuilderCli.Run(silo, "repo", "remove", "ab-remote", "--from", Dist);
        Assert.True(removed.ExitCode == 0, removed.Stdout + removed.Stderr);
        var cleanup = AutobuilderCli.Run(silo, "repo", "cleanup", "extras-devel");
        Assert.True(cleanup.ExitCode == 0, cleanup.Stdout + cleanup.Stderr);
        File.Delete(remote.Keyring); // lost on the remote: the next sync puts it back
        var sync = AutobuilderCli.Run(silo, "repo", "sync", Dist);

        // Assert 2
        Assert.True(sync.ExitCode == 0, sync.Stdout + sync.Stderr);
        Assert.Contains($"remote live tree {s.Remote.Target} too", sync.Stdout);
        Assert.False(Directory.Exists(Path.Combine(remote.Path, "pool/main/a/ab-remote")), "the removed package's pool files are still on the remote");
        var (_, after) = LiveTree.AssertConsistent(remote.Path, "bookworm", remote.Keyring);
        Assert.DoesNotContain(after, p => p.Package == "ab-remote");
        // Four publishes, two generation folders kept: the same two on both sides.
        static string[] Folders(string live) =>
            [.. Directory.GetDirectories(Path.Combine(live, "dists", ".bookworm")).Select(Path.GetFileName).Order().OfType<string>()];
        Assert.Equal(2, Folders(StageQueue.Live(silo, "extras-devel")).Length);
        Assert.Equal(Folders(StageQueue.Live(silo, "extras-devel")), Folders(remote.Path));
    }

    [Fact]
    public async Task Should_keep_the_remote_on_the_old_generation_and_retry_on_a_timer_When_sending_the_generation_folder_fails()
    {
        // Arrange: one package on the remote, then its dists/.bookworm made unwritable for the remote user.
        using var remote = RemoteHost.Start();
        using var root = new TempDir("ab-remote-live-");
        // By-hash files only of the generation superseded last, so the remote (two behind) relies on the sync to keep its own.
        await using var silo = new SiloProcess(root["var"], c => Configure(c, remote, pin: remote.Server.HostKeySha256, byHashMinutes: 0));
        await silo.StartAsync();
        StageQueue.Drop(silo, new StagePackage("ab-before"), root["scratch"]);
        var before = (await StageQueue.WaitForAsync(silo, Dist, "ab-before", "1.0-1")).Status;
        var generations = Path.Combine(remote.Path, "dists", ".bookworm");
        File.SetUnixFileMode(generations, (UnixFileMode)0b101_101_101);

        // Act
        StageQueue.Drop(silo, new StagePackage("ab-after"), root["scratch"]);
        var failed = await WaitAsync(silo, d => d.Sources.Any(p => p.Source == "ab-after") && d.Status.Remote?.LastError is not null,
            "failing to sync ab-after to the remote");

        // Assert: pool first (the new file is there), but the remote still serves the old generation, whole.
        Assert.Equal(before.PublishedGeneration, failed.Status.Remote!.Generation);
        Assert.Contains("sending generation folder", failed.Status.Remote.LastError);
        Assert.Contains("Permission denied", failed.Status.Remote.LastError);
        Assert.True(File.Exists(Path.Combine(remote.Path, "pool/main/a/ab-after/ab-after_1.0-1_amd64.deb")), "pool files go first");
        var (folder, packages) = LiveTree.AssertConsistent(remote.Path, "bookworm", remote.Keyring);
        Assert.Equal(before.Remote!.Folder, Path.GetFileName(folder));
        Assert.DoesNotContain(packages, p => p.Package == "ab-after");
        using (var apt = remote.Apt())
        {
            StageQueue.AssertCleanUpdate(apt.Update());
            Assert.NotEqual(0, apt.Run("apt-get", "download", "ab-after").ExitCode);
        }
        var show = AutobuilderCli.Run(silo, "repo", "show", Dist);
        Assert.Contains($"Remote live:   {failed.Status.Remote.Target}: serves generation {before.PublishedGeneration}", show.Stdout);
        Assert.Contains("last sync failed", show.Stdout);

        // Act 2: one more generation while it fails; then the remote is fixed, and nothing else is done — the retry timer (RetrySeconds 2) brings it up to date.
        StageQueue.Drop(silo, new StagePackage("ab-later"), root["scratch"]);
        await WaitAsync(silo, d => d.Sources.Any(p => p.Source == "ab-later") && d.Status.PublishedGeneration == failed.Status.PublishedGeneration + 1,
            "holding ab-later");
        File.SetUnixFileMode(generations, (UnixFileMode)0b111_101_101);
        var synced = await StageQueue.WaitAsync(silo, Dist, d => d.Status.Remote?.Generation == d.Status.PublishedGeneration, "synced by the retry timer",
            TimeSpan.FromSeconds(30));

        // Assert 2: a client that read the old InRelease just before the switch still finds its indices by hash.
        Assert.Null(synced.Status.Remote!.LastError);
        var (now, packagesNow) = LiveTree.AssertConsistent(remote.Path, "bookworm", remote.Keyring);
        Assert.Contains(packagesNow, p => p.Package == "ab-after");
        Assert.Contains(packagesNow, p => p.Package == "ab-later");
        var oldByHash = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => f.Contains("/by-hash/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(oldByHash);
        Assert.All(oldByHash, f => Assert.True(File.Exists(Path.Combine(now, Path.GetRelativePath(folder, f))),
            $"{Path.GetRelativePath(folder, f)} of the generation the remote served before is not reachable by hash in the new one"));
        AssertInstallsFromRemote(remote, "ab-after");
    }

    [Fact]
    public async Task Should_leave_the_remote_on_the_old_generation_and_sync_it_at_restart_When_the_silo_is_killed_while_sending_a_generation()
    {
        // Arrange
        using var remote = RemoteHost.Start();
        using var root = new TempDir("ab-remote-live-");
        await using var silo = new SiloProcess(root["var"], c => Configure(c, remote, pin: remote.Server.HostKeySha256));
        await silo.StartAsync();
        StageQueue.Drop(silo, new StagePackage("ab-first"), root["scratch"]);
        var before = (await StageQueue.WaitForAsync(silo, Dist, "ab-first", "1.0-1")).Status;
        using var folderMade = new ManualResetEventSlim();
        using var watcher = new FileSystemWatcher(Path.Combine(remote.Path, "dists", ".bookworm")) { NotifyFilter = NotifyFilters.DirectoryName };
        watcher.Created += (_, _) => folderMade.Set();
        watcher.EnableRaisingEvents = true;

        // Act: SIGKILL as soon as rsync makes the new generation folder on the remote (the rsync it
        // started may still finish that folder; what matters is that nobody switches to it).
        StageQueue.Drop(silo, new StagePackage("ab-killed"), root["scratch"]);
        Assert.True(folderMade.Wait(TimeSpan.FromSeconds(60)), "no generation folder was started on the remote");
        await silo.KillNowAsync();
        await Task.Delay(1000);
        var (afterKill, packagesAfterKill) = LiveTree.AssertConsistent(remote.Path, "bookworm", remote.Keyring);
        await silo.StartAsync();
        var synced = await StageQueue.WaitAsync(silo, Dist, d => d.Sources.Any(p => p.Source == "ab-killed") && d.Status.Remote?.Generation is not null,
            "holding ab-killed, also on the remote, after the restart");

        // Assert: old and whole after the kill; the new one there after the restart, without another upload.
        Assert.Equal(before.Remote!.Folder, Path.GetFileName(afterKill));
        Assert.DoesNotContain(packagesAfterKill, p => p.Package == "ab-killed");
        var (now, packages) = LiveTree.AssertConsistent(remote.Path, "bookworm", remote.Keyring);
        Assert.Equal(synced.Status.Remote!.Folder, Path.GetFileName(now));
        Assert.Contains(packages, p => p.Package == "ab-killed");
        AssertInstallsFromRemote(remote, "ab-killed");
    }

    [Fact]
    public async Task Should_refuse_the_host_and_record_why_When_its_key_is_not_the_pinned_one_and_sync_after_the_pin_is_fixed()
    {
        // Arrange: the pin is another key's known_hosts line.
        using var remote = RemoteHost.Start();
        using var root = new TempDir("ab-remote-live-");
        var other = SshKey.Generate(root["keys"], "not-the-host");
        await using var silo = new SiloProcess(root["var"], c => Configure(c, remote, knownHostsLine: $"[127.0.0.1]:{remote.Server.Port} {other.PublicKey}"));
        await silo.StartAsync();

        // Act
        var refused = await WaitAsync(silo, d => d.Status.Remote?.LastError is not null, "refusing the remote host");
        var sync = AutobuilderCli.Run(silo, "repo", "sync", Dist);
        var show = AutobuilderCli.Run(silo, "repo", "show", Dist, "--json");

        // Assert: nothing was written there, the reason is recorded and shown, and `repo sync` fails with it.
        Assert.Contains("host key verification failed", refused.Status.Remote!.LastError);
        Assert.Null(refused.Status.Remote.Generation);
        Assert.True(refused.Status.LiveGeneration is not null, "the local live tree is published regardless");
        Assert.False(Directory.Exists(Path.Combine(remote.Path, "dists")), "something reached the refused host");
        Assert.NotEqual(0, sync.ExitCode);
        Assert.Contains("host key verification failed", sync.Stdout + sync.Stderr);
        Assert.Contains("host key verification failed", JsonNode.Parse(show.Stdout)!["status"]!["remote"]!["lastError"]!.GetValue<string>());

        // Act 2: pinned by a fingerprint that is neither the host's nor the key written before: ssh-keyscan's answer is not taken.
        var third = SshKey.Generate(root["keys"], "neither");
        var otherFingerprint = Tool.Run("ssh-keygen", "-l", "-E", "sha256", "-f", third.PrivateKeyFile + ".pub").Ok().Stdout.Split(' ')[1];
        await RestartWithPinAsync(silo, otherFingerprint);
        var mismatch = await WaitAsync(silo, d => d.Status.Remote?.LastError?.Contains("host key mismatch", StringComparison.Ordinal) == true,
            "refusing the remote host's scanned key");

        // Assert 2
        Assert.Contains($"host key mismatch: it offers ssh-ed25519 {remote.Server.HostKeySha256}, not the pinned {otherFingerprint}", mismatch.Status.Remote!.LastError);
        Assert.False(Directory.Exists(Path.Combine(remote.Path, "dists")), "something reached the refused host");

        // Act 3: the operator fixes the pin and restarts the silo; no upload is needed.
        await RestartWithPinAsync(silo, remote.Server.HostKeySha256);
        var synced = await StageQueue.WaitAsync(silo, Dist, d => d.Status.Remote?.Generation is not null, "synced after the fix");

        // Assert 3
        Assert.Null(synced.Status.Remote!.LastError);
        LiveTree.AssertConsistent(remote.Path, "bookworm", remote.Keyring);
        using var apt = remote.Apt();
        StageQueue.AssertCleanUpdate(apt.Update());
    }

    [Fact]
    public async Task Should_publish_locally_and_take_the_next_upload_When_the_remote_hangs_and_sync_it_when_it_answers_again()
    {
        // Arrange: one package on both sides, then the remote host freezes (sshd and its sessions
        // stopped): its connections stay open and nothing answers, as with a slow or stuck host.
        using var remote = RemoteHost.Start();
        using var root = new TempDir("ab-remote-live-");
        await using var silo = new SiloProcess(root["var"], c => Configure(c, remote, pin: remote.Server.HostKeySha256));
        await silo.StartAsync();
        StageQueue.Drop(silo, new StagePackage("ab-first"), root["scratch"]);
        var before = (await StageQueue.WaitForAsync(silo, Dist, "ab-first", "1.0-1")).Status;
        var frozen = Signal("STOP", Tree(remote.Server.ProcessId!.Value));
        DistributionDetails next;
        try
        {
            // Act: two uploads while the remote hangs.
            StageQueue.Drop(silo, new StagePackage("ab-stuck"), root["scratch"]);
            var first = await WaitUntilAsync(silo, d => d.Sources.Any(p => p.Source == "ab-stuck") && d.Status.LiveGeneration == d.Status.PublishedGeneration
                && d.Status.PublishedGeneration > before.PublishedGeneration, "live here with ab-stuck while the remote hangs", TimeSpan.FromSeconds(6));
            StageQueue.Drop(silo, new StagePackage("ab-next"), root["scratch"]);
            next = await WaitUntilAsync(silo, d => d.Sources.Any(p => p.Source == "ab-next") && d.Status.LiveGeneration == d.Status.PublishedGeneration
                && d.Status.PublishedGeneration > first.Status.PublishedGeneration, "live here with ab-next while the remote hangs", TimeSpan.FromSeconds(6));

            // Assert: both live here; the remote still on the generation it had, whole.
            Assert.Equal(before.PublishedGeneration, next.Status.Remote!.Generation);
            var (_, local) = LiveTree.AssertConsistent(StageQueue.Live(silo, "extras-devel"), "bookworm", StageQueue.Keyring(silo, "extras-devel"));
            Assert.Contains(local, p => p.Package == "ab-next");
            var (folder, packages) = LiveTree.AssertConsistent(remote.Path, "bookworm", remote.Keyring);
            Assert.Equal(before.Remote!.Folder, Path.GetFileName(folder));
            Assert.DoesNotContain(packages, p => p.Package == "ab-stuck");
        }
        finally
        {
            Signal("CONT", frozen);
        }

        // Act 2 / Assert 2: the host answers again; the remote catches up with no further upload.
        var synced = await StageQueue.WaitAsync(silo, Dist, d => d.Status.PublishedGeneration == next.Status.PublishedGeneration,
            "synced once the remote answers again", TimeSpan.FromSeconds(90));
        Assert.Null(synced.Status.Remote!.LastError);
        AssertInstallsFromRemote(remote, "ab-stuck", "ab-next");
    }

    /// <summary>A process and its descendants (read from /proc, parents first).</summary>
    private static List<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        return tree;
    }

    private static List<int> Signal(string signal, List<int> pids)
    {
        Tool.Run("kill", [$"-{signal}", .. pids.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        return pids;
    }

    [Fact]
    public async Task Should_send_the_new_Release_When_it_has_the_size_and_mtime_second_of_the_one_the_remote_serves()
    {
        // Arrange: two generations whose Release, InRelease and Packages.gz differ only in content
        // (as two publishes in one second do); the remote serves the first.
        using var remote = RemoteHost.Start();
        using var root = new TempDir("ab-remote-live-");
        var options = new Autobuilder.Grains.Options.AutobuilderOptions { DataRoot = root["var"] };
        options.Stage.Repositories.Add(new Autobuilder.Grains.Options.RepositoryOptions
        {
            Name = "extras-devel",
            LiveRemote = new Autobuilder.Grains.Options.RemoteLiveOptions
            {
                Host = "127.0.0.1", Port = remote.Server.Port, User = User, KeyFile = remote.Key.PrivateKeyFile,
                HostKeySha256 = remote.Server.HostKeySha256, Path = remote.Path, TimeoutSeconds = 10,
            },
        });
        var configuration = new Autobuilder.Grains.Stage.StageConfiguration(options);
        var repository = configuration.Find("extras-devel")!;
        var sync = new Autobuilder.Silo.Stage.LiveTree.RsyncLiveTree(configuration,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Autobuilder.Silo.Stage.LiveTree.RsyncLiveTree>.Instance);
        var dists = Path.Combine(repository.LivePath, "dists");
        var mtime = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        void Generation(string name, char content)
        {
            var folder = Path.Combine(dists, ".bookworm", name);
            Directory.CreateDirectory(Path.Combine(folder, "main", "binary-amd64"));
            foreach (var file in new[] { "Release", "InRelease", "main/binary-amd64/Packages.gz" })
            {
                var path = Path.Combine(folder, file);
                File.WriteAllText(path, new string(content, 100));
                File.SetLastWriteTimeUtc(path, mtime.AddMilliseconds(name == "1" ? 100 : 700));
            }
            var link = Path.Combine(dists, "bookworm");
            File.Delete(link);
            File.CreateSymbolicLink(link, $".bookworm/{name}");
        }
        Generation("1", 'a');
        await sync.SyncAsync(repository, "bookworm");

        // Act
        Generation("2", 'b');
        var outcome = await sync.SyncAsync(repository, "bookworm");

        // Assert: the new files were sent, not hard-linked from the folder the remote served.
        Assert.Equal("2", outcome.Folder);
        Assert.Equal(".bookworm/2", new FileInfo(Path.Combine(remote.Path, "dists", "bookworm")).LinkTarget);
        foreach (var file in new[] { "Release", "InRelease", "main/binary-amd64/Packages.gz" })
            Assert.Equal(new string('b', 100), File.ReadAllText(Path.Combine(remote.Path, "dists", ".bookworm", "2", file)));
        Assert.Equal(new string('a', 100), File.ReadAllText(Path.Combine(remote.Path, "dists", ".bookworm", "1", "Release")));
    }

    private static async Task RestartWithPinAsync(SiloProcess silo, string fingerprint)
    {
        await silo.KillAsync();
        var config = JsonNode.Parse(File.ReadAllText(silo.ConfigPath))!;
        var live = config["Autobuilder"]!["Stage"]!["Repositories"]![0]!["LiveRemote"]!.AsObject();
        live.Remove("HostKey");
        live["HostKeySha256"] = fingerprint;
        File.WriteAllText(silo.ConfigPath, config.ToJsonString());
        await silo.StartAsync();
    }

    private static Task<DistributionDetails> WaitAsync(SiloProcess silo, Func<DistributionDetails, bool> done, string expectation) =>
        WaitUntilAsync(silo, done, expectation, TimeSpan.FromSeconds(60));

    /// <summary>Like <see cref="StageQueue.WaitAsync"/> but without requiring everything in sync (a failed remote never is).</summary>
    private static async Task<DistributionDetails> WaitUntilAsync(SiloProcess silo, Func<DistributionDetails, bool> done, string expectation, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        DistributionDetails? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await silo.Grains.GetGrain<IDistributionGrain>(Dist).GetDetailsAsync();
            if (done(last))
                return last;
            await Task.Delay(100);
        }
        throw new TimeoutException($"waiting for {Dist} to be {expectation}: remote {last?.Status.Remote}, error {last?.Status.LastError}\n" +
            silo.Output[^Math.Min(silo.Output.Length, 4000)..]);
    }

    /// <summary>apt-get update against the remote tree is clean, and each package downloads and installs at version 1.0-1.</summary>
    private static void AssertInstallsFromRemote(RemoteHost remote, params string[] packages)
    {
        using var apt = remote.Apt();
        using var installRoot = new TempDir("ab-root-");
        StageQueue.AssertCleanUpdate(apt.Update());
        foreach (var package in packages)
            Assert.Equal("1.0-1", StageQueue.DownloadAndInstall(apt, package, installRoot.Path));
    }

    private static void Configure(JsonObject config, RemoteHost remote, string? pin = null, string? knownHostsLine = null, double byHashMinutes = 60, int keepGenerations = 10)
    {
        var live = new JsonObject
        {
            ["Host"] = "127.0.0.1",
            ["Port"] = remote.Server.Port,
            ["User"] = User,
            ["KeyFile"] = remote.Key.PrivateKeyFile,
            ["Path"] = remote.Path,
            ["TimeoutSeconds"] = 10,
            ["RetrySeconds"] = 2,
        };
        if (pin is not null)
            live["HostKeySha256"] = pin;
        if (knownHostsLine is not null)
            live["HostKey"] = knownHostsLine;
        config["Autobuilder"]!["Stage"] = new JsonObject
        {
            ["UnreferencedPoolGraceHours"] = 0,
            ["ByHashMinutes"] = byHashMinutes,
            ["KeepGenerations"] = keepGenerations,
            ["Repositories"] = new JsonArray(new JsonObject
            {
                ["Name"] = "extras-devel",
                ["Architectures"] = new JsonArray("amd64", "i386"),
                ["AcceptsUploads"] = true,
                ["LiveRemote"] = live,
            }),
        };
    }

    /// <summary>The "remote live host": sshd, the user <see cref="User"/> with a fresh key, and a fresh tree in its home.</summary>
    private sealed class RemoteHost : IDisposable
    {
        private readonly TempDir _keys = new("ab-live-keys-");

        private RemoteHost(string home)
        {
            Server = SshServer.Start();
            Key = SshKey.Generate(_keys.Path, "live");
            Server.Authorize(User, Key.PublicKey);
            Tree = System.IO.Path.Combine(home, $"live-{Guid.NewGuid():N}");
            Path = System.IO.Path.Combine(Tree, "extras-devel");
        }

        public SshServer Server { get; }
        public SshKey Key { get; }

        /// <summary>The folder of this test's trees in the remote user's home (made by the sync itself, removed at the end).</summary>
        private string Tree { get; }

        public string Path { get; }
        public string Keyring => System.IO.Path.Combine(Path, "archive-keyring.gpg");

        public static RemoteHost Start()
        {
            var home = UnixUser.Ensure(User);
            return new RemoteHost(home);
        }

        public Debian.Tests.Indices.AptSandbox Apt() => new($"deb [signed-by={Keyring}] file:{Path} bookworm main");

        public void Dispose()
        {
            Server.Dispose();
            if (Directory.Exists(Tree))
                Directory.Delete(Tree, recursive: true);
            _keys.Dispose();
        }
    }
}
