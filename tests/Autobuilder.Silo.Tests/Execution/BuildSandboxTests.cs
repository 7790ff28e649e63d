using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Testing;

using Autobuilder.Silo.Tests.Cluster;

namespace Autobuilder.Silo.Tests.Execution;

/// <summary>
/// Builds never run as the silo (issue 10, point 4), through a real silo process: a real source
/// package whose debian/rules attacks the silo — reads the data root and the signing key, prints
/// every environment it can reach, connects to the gateway, the dashboard and the machine's
/// outward address, writes into the data root, a file of the silo's in /tmp and another slot's
/// folder. Each attempt must fail with its reason in the log, nothing of the build is published,
/// neither the signing key's bytes nor the silo's secret appear anywhere they could be read, and a
/// good upload right after builds and publishes. Also: a slot whose account is missing is refused,
/// never run as the silo.
/// </summary>
public sealed class BuildSandboxTests
{
    private static readonly string[] SlotUsers = ["abbuild1", "abbuild2"];

    /// <param name="unprivileged">
    /// The silo runs as the unprivileged service account <c>autobuilder</c> (scripts/install-deps
    /// makes it) and starts builds through sudo with the shipped rule (docs/sudoers-autobuilder,
    /// installed in /etc/sudoers.d for the test), as docs/operations.md sets a production host up.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_refuse_every_attempt_with_its_reason_and_publish_nothing_When_debian_rules_attacks_the_silo(bool unprivileged)
    {
        // Given a silo whose data root sits in a folder anyone may cross (only its own 0750 protects
        // it), with a secret in its environment, its dashboard on, and a file of its own in /tmp.
        var outer = Path.Combine(Path.GetTempPath(), $"ab-attack-{Guid.NewGuid():N}");
        Directory.CreateDirectory(outer);
        File.SetUnixFileMode(outer, (UnixFileMode)0b111_101_101);
        var siloTemp = Path.Combine(Path.GetTempPath(), $"ab-silo-tmp-{Guid.NewGuid():N}");
        File.WriteAllText(siloTemp, "the silo's\n");
        File.SetUnixFileMode(siloTemp, (UnixFileMode)0b110_100_100);
        var secret = $"Host=db.internal;Username=autobuilder;Password=AttackSecret{Guid.NewGuid():N}";
        var dashboardPort = SiloProcess.FreePort();
        using var outside = OutwardListener();
        using var sudoRule = unprivileged ? SudoRule.Install() : null;
        try
        {
            await using var silo = new SiloProcess(Path.Combine(outer, "var"), config =>
            {
                config["Dashboard"] = new JsonObject { ["Enabled"] = true, ["Address"] = "127.0.0.1", ["Port"] = dashboardPort };
                if (sudoRule is not null)
                    config["Autobuilder"]!["BuildSandbox"] = sudoRule.Sandbox;
            })
            { RunAs = unprivileged ? SudoRule.SiloUser : null };
            silo.Environment["AUTOBUILDER_FAKE_CONNECTION"] = secret;
            if (unprivileged)
                SudoRule.MakeSlotFolders(silo.BuildRoot, SlotUsers);
            await silo.StartAsync();
            if (unprivileged)
                Assert.Matches($@"\nUid:\t{Tool.Run("id", "-u", SudoRule.SiloUser).Ok().Stdout.Trim()}\t", File.ReadAllText($"/proc/{silo.ProcessId}/status"));
            var scratch = Path.Combine(outer, "scratch");

            // A good upload first: its publish makes the archive's signing key the attack goes for.
            await BuildsAndPublishesAsync(silo, "ab-sbx-good", scratch);
            var keys = Directory.GetFiles(Path.Combine(silo.DataRoot, "gnupg", "private-keys-v1.d"), "*.key");
            Assert.NotEmpty(keys);
            Assert.Equal(DataRootMode, File.GetUnixFileMode(silo.DataRoot));
            // Each target answers outside the sandbox: a refusal below is the sandbox's doing.
            foreach (var (host, port) in new[] { ("127.0.0.1", silo.GatewayPort), ("127.0.0.1", dashboardPort) }.Concat(outside.Target is { } t ? [t] : []))
            {
                using var client = new TcpClient();
                await client.ConnectAsync(host, port);
            }
            Assert.All(SlotUsers, u => Assert.True(Directory.Exists(Path.Combine(silo.BuildRoot, u)), $"slot folder of {u} missing"));

            // When the attack package builds.
            var attacks = Attacks(silo, siloTemp, dashboardPort, outside.Target);
            CopyIn(AttackPackage(scratch, attacks), silo);
            var done = await Uploads.WaitAsync(silo, "ab-sbx-attack", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(3));

            // Then it failed, each attempt with its reason in the log, and it ran as a slot user.
            var build = Assert.Single(done.Builds);
            Assert.Equal(BuildOutcome.BuildFailed, build.Outcome);
            var log = File.ReadAllText(build.LogPath!);
            Assert.DoesNotContain("ATTACK-SUCCEEDED", log);
            foreach (var (name, expected, _) in attacks)
                Assert.Contains(expected, Section(log, name));
            Assert.Matches(@"uid=\d+\(abbuild[12]\)", log);
            var environment = Section(log, "environment");
            Assert.Contains("LC_ALL=C.UTF-8", environment);
            Assert.Matches($@"HOME={silo.BuildRoot}/abbuild[12]/[^/\n]+/\.home", environment);
            Assert.DoesNotContain("AUTOBUILDER_", environment);
            Assert.DoesNotContain("DOTNET_", environment);
            // Nothing written where it was aimed.
            Assert.False(File.Exists(Path.Combine(silo.DataRoot, "pwned")));
            Assert.False(File.Exists(Path.Combine(silo.Incoming(), "pwned.dsc")));
            Assert.Equal("the silo's\n", File.ReadAllText(siloTemp));
            Assert.All(SlotUsers, u => Assert.False(File.Exists(Path.Combine(silo.BuildRoot, u, "pwned")), $"{u}'s folder was written"));
            // Nothing of it published: no results beside the log, nothing queued for the stage, nothing in the pool.
            Assert.Equal([BuildRunnerFiles.Log], Directory.GetFiles(Path.GetDirectoryName(build.LogPath!)!).Select(Path.GetFileName));
            Assert.Empty(Directory.GetFiles(Path.Combine(silo.DataRoot, "repo-incoming"), "ab-sbx-attack*", SearchOption.AllDirectories));
            Assert.False(Directory.Exists(Path.Combine(silo.DataRoot, "repos", "live", "extras-devel", "pool", "main", "a", "ab-sbx-attack")));

            // When a build leaves links to the key where the runner's log and its results belong
            // (the silo can read what the build cannot), then nothing of it is read: it fails, saying why.
            var key = keys[0];
            Uploads.Drop(silo, new SourcePackage(Name: "ab-sbx-links",
                RulesBuild: $"ln -s {key} ../ab-sbx-links_9_amd64.deb && rm -f ../build.log && ln -s {key} ../build.log"), scratch);
            var links = await Uploads.WaitAsync(silo, "ab-sbx-links", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(3));
            var linked = Assert.Single(links.Builds);
            Assert.Equal(BuildOutcome.BuildFailed, linked.Outcome);
            Assert.Contains("the build left build.log as a symbolic link", linked.Summary);
            Assert.Empty(Directory.GetFiles(Path.Combine(silo.DataRoot, "repo-incoming"), "ab-sbx-links*", SearchOption.AllDirectories));

            // And a good upload right after builds and publishes.
            await BuildsAndPublishesAsync(silo, "ab-sbx-after", scratch);

            // And neither the key's bytes nor the secret are anywhere outside gnupg/: data root, build root, silo output.
            var needles = keys.Select(k => File.ReadAllBytes(k)).Select(b => b.AsSpan(b.Length / 2 - 24, 48).ToArray())
                .Append(Encoding.UTF8.GetBytes(secret)).ToList();
            var gnupg = Path.Combine(silo.DataRoot, "gnupg") + "/";
            foreach (var file in Directory.EnumerateFiles(silo.DataRoot, "*", SearchOption.AllDirectories)
                         // silo.lock holds only the silo's pid and command line (and its flock keeps .NET readers out).
                         .Where(f => !f.StartsWith(gnupg, StringComparison.Ordinal) && f != silo.ConfigPath
                             && f != Path.Combine(silo.DataRoot, Hosting.DataRootLock.FileName))
                         .Concat(Directory.Exists(silo.BuildRoot) ? Directory.EnumerateFiles(silo.BuildRoot, "*", SearchOption.AllDirectories) : []))
            {
                var bytes = ReadRegular(file);
                Assert.All(needles, n => Assert.True(bytes.AsSpan().IndexOf(n) < 0, $"{file} holds the signing key's bytes or the silo's secret"));
            }
            Assert.DoesNotContain(secret, silo.Output);
        }
        finally
        {
            File.Delete(siloTemp);
            Directory.Delete(outer, recursive: true);
        }
    }

    [Fact]
    public async Task Should_take_the_slot_offline_naming_the_account_and_build_nothing_When_the_slot_user_does_not_exist()
    {
        // Given a silo whose only slot names an account this machine does not have.
        using var root = new TempDir("ab-sbx-nouser-");
        await using var silo = new SiloProcess(root["var"], config =>
            config["Autobuilder"]!["Slots"] = new JsonArray(new JsonObject { ["Host"] = "localhost", ["User"] = "abnosuchuser" }));
        await silo.StartAsync();

        // When an upload lands.
        Uploads.Drop(silo, new SourcePackage(Name: "ab-sbx-nouser"), root["scratch"]);
        await Uploads.WaitAsync(silo, "ab-sbx-nouser", d => d.Summary.State == UploadState.Queued, "Queued");
        var slot = await Eventually.SlotAsync(silo, "localhost/abnosuchuser", SlotState.Offline);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var details = await Uploads.WaitAsync(silo, "ab-sbx-nouser", _ => true, "read");

        // Then the slot is offline with the reason naming the account, and nothing was built as the silo.
        Assert.Contains("unix user 'abnosuchuser' of slot localhost/abnosuchuser does not exist", slot.Reason);
        Assert.Contains("never as the silo", slot.Reason);
        Assert.Equal(UploadState.Queued, details.Summary.State);
        Assert.All(details.Builds, b => Assert.Null(b.Outcome));
    }

    private static readonly UnixFileMode DataRootMode = (UnixFileMode)0b111_101_000;

    private static async Task BuildsAndPublishesAsync(SiloProcess silo, string name, string scratch)
    {
        Uploads.Drop(silo, new SourcePackage(Name: name), scratch);
        var done = await Uploads.WaitAsync(silo, name, d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(2));
        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        await Stage.StageQueue.WaitForAsync(silo, "extras-devel/bookworm", name, "1.0-1");
    }

    /// <summary>Each attempt: its name, the words its refusal must show in the log, the command (literal values only).</summary>
    private static List<(string Name, string Expected, string Command)> Attacks(SiloProcess silo, string siloTemp, int dashboardPort, (string Host, int Port)? outside)
    {
        var root = silo.DataRoot;
        List<(string, string, string)> attacks =
        [
            ("read-data-root", "Permission denied", $"ls -la {root}/gnupg"),
            ("read-signing-key", "Permission denied", $"cat {root}/gnupg/private-keys-v1.d/*.key"),
            ("read-silo-environment", "Permission denied", $"tr '\\0' '\\n' < /proc/{silo.ProcessId}/environ"),
            ("connect-gateway", "Network is unreachable", $"exec 3<>/dev/tcp/127.0.0.1/{silo.GatewayPort}"),
            ("connect-dashboard", "Network is unreachable", $"exec 3<>/dev/tcp/127.0.0.1/{dashboardPort}"),
            ("write-data-root", "Permission denied", $"echo pwned > {root}/pwned"),
            ("write-incoming", "Permission denied", $"echo pwned > {silo.Incoming()}/pwned.dsc"),
            ("write-silo-tmp", "Permission denied", $"echo pwned >> {siloTemp}"),
            ("write-other-slot", "Permission denied",
                $"for u in {string.Join(' ', SlotUsers)}; do [ \"$u\" = \"$(id -un)\" ] || echo pwned > {silo.BuildRoot}/$u/pwned || exit 1; done"),
        ];
        if (outside is { } o)
            attacks.Add(("connect-outside", "Network is unreachable", $"exec 3<>/dev/tcp/{o.Host}/{o.Port}"));
        return attacks;
    }

    /// <summary>A real source package whose build runs the attempts one after another, then fails whatever happened.</summary>
    private static string AttackPackage(string scratch, IEnumerable<(string Name, string Expected, string Command)> attacks)
    {
        var folder = Path.Combine(scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var package = new SourcePackage(Name: "ab-sbx-attack", RulesBuild: "bash debian/attack.sh");
        var tree = package.WriteTree(folder);
        var script = new StringBuilder("#!/bin/bash\n# Each attempt must be refused; a success prints ATTACK-SUCCEEDED.\n");
        foreach (var (name, _, command) in attacks)
            script.Append($"echo '== {name} =='\nif bash -c '{command.Replace("'", "'\\''")}' 2>&1; then echo 'ATTACK-SUCCEEDED: {name}'; fi\necho '== end =='\n");
        script.Append("echo '== environment =='\nenv | sort\n");
        script.Append("echo '== every environment this user can read =='\nfor f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done | sort -u\n");
        script.Append("echo '== end =='\nid\nexit 1\n");
        File.WriteAllText(Path.Combine(tree, "debian", "attack.sh"), script.ToString());
        Tool.Run("dpkg-source", ["-b", Path.GetFileName(tree)], workingDirectory: folder).Ok();
        return Path.Combine(folder, package.DscName);
    }

    private static void CopyIn(string dsc, SiloProcess silo) => Uploads.CopyIn(dsc, silo.Incoming());

    /// <summary>The lines of <paramref name="log"/> between "== name ==" and the next "== end ==".</summary>
    private static string Section(string log, string name)
    {
        var start = log.IndexOf($"== {name} ==", StringComparison.Ordinal);
        Assert.True(start >= 0, $"the log has no section {name}:\n{log}");
        var end = log.IndexOf("== end ==", start, StringComparison.Ordinal);
        return end < 0 ? log[start..] : log[start..end];
    }

    /// <summary>
    /// A regular file's bytes; a link reads as nothing. The silo still runs while the test walks its
    /// data root, so a temporary file may be held (its writer's flock keeps .NET readers out) or gone
    /// (renamed into place) by the time it is read: wait for the writer, and a file gone is nothing to read.
    /// </summary>
    private static byte[] ReadRegular(string file)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var info = new FileInfo(file);
                return info.LinkTarget is null ? File.ReadAllBytes(file) : [];
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return [];
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>
    /// A listener on this machine's outward (non-loopback) IPv4 address, standing for "an outside
    /// address": a build that reached it would reach any host that address routes to. Traffic stays
    /// on this machine. No such address, no target.
    /// </summary>
    private static OutwardTarget OutwardListener()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        if (address is null)
            return new OutwardTarget(null);
        var listener = new TcpListener(address, 0);
        listener.Start();
        return new OutwardTarget(listener);
    }

    private sealed class OutwardTarget(TcpListener? listener) : IDisposable
    {
        public (string Host, int Port)? Target => listener is null ? null
            : (((IPEndPoint)listener.LocalEndpoint).Address.ToString(), ((IPEndPoint)listener.LocalEndpoint).Port);

        public void Dispose() => listener?.Stop();
    }
}
