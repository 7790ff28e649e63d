using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Tests.Indices;
using Autobuilder.Grains;
using Autobuilder.Testing;
using Xunit.Abstractions;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// Apt clients hammering publishes (issue 14, point 3): four real <c>apt-get update</c> clients in a
/// loop, each with its own state and sources.list, by-hash as apt uses it by default (the Release
/// says Acquire-By-Hash) and the signature checked against the archive key (signed-by), read the
/// live tree over HTTP from the silo's own live-tree server (the product's, not a stand-in) while
/// 100 .changes are published one by one through repo-incoming and 10 rollbacks are made (the
/// grain call of <c>autobuilder repo rollback</c>). Two of the clients go through a throttling proxy that holds
/// their first request after each InRelease for <see cref="Throttle"/>: they read the indices of a
/// generation several publishes old, which only the by-hash files carried for Stage:ByHashMinutes
/// give them. No update may see a hash-sum mismatch, a bad or missing signature, or any error.
/// </summary>
public sealed class AptHammerTests(ITestOutputHelper output)
{
    private const int Publishes = 100;
    private const int Rollbacks = 10;
    private const string Repository = "extras-devel";
    private const string Dist = "extras-devel/bookworm";
    private static readonly TimeSpan Throttle = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Should_give_four_apt_clients_no_hash_mismatch_and_no_bad_signature_When_100_publishes_and_10_rollbacks_happen_meanwhile()
    {
        // Arrange: the .debs (real dpkg-deb) and their .changes made before the clock matters.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Progress(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what} (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        using var root = new TempDir("ab-hammer-");
        var made = root["made"];
        Directory.CreateDirectory(made);
        var changes = new string[Publishes];
        Parallel.For(0, Publishes, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => changes[i] = MakeUpload(made, i));
        Progress($"{Publishes} uploads made");
        var servePort = SiloProcess.FreePort();
        await using var silo = new SiloProcess(root["var"], c => Configure(c, servePort), name: "hammer");
        await silo.StartAsync();
        var first = await StageQueue.WaitAsync(silo, Dist, d => d.Status.LiveGeneration is not null, "published once");
        var suite = Path.Combine(StageQueue.Live(silo, Repository), "dists", "bookworm");
        var firstIndices = ReleaseFile.Load(Path.Combine(suite, "Release")).Files
            .Where(f => f.Name.EndsWith(".xz", StringComparison.Ordinal) || f.Name.EndsWith(".gz", StringComparison.Ordinal)).ToList();
        var url = $"http://127.0.0.1:{servePort}/{Repository}";
        var keyring = StageQueue.Keyring(silo, Repository);
        using var proxyA = new ThrottlingProxy(servePort, Throttle);
        using var proxyB = new ThrottlingProxy(servePort, Throttle);
        var clients = new[]
        {
            new Client("direct-1", new AptSandbox($"deb [signed-by={keyring}] {url} bookworm main"), null),
            new Client("direct-2", new AptSandbox($"deb [signed-by={keyring}] {url} bookworm main"), null),
            new Client("slowed-1", new AptSandbox($"deb [signed-by={keyring}] http://127.0.0.1:{proxyA.Port}/{Repository} bookworm main"), proxyA),
            new Client("slowed-2", new AptSandbox($"deb [signed-by={keyring}] http://127.0.0.1:{proxyB.Port}/{Repository} bookworm main"), proxyB),
        };
        Progress("silo started and published once");
        foreach (var client in clients)
            StageQueue.AssertCleanUpdate(client.Apt.Update());
        using var stop = new CancellationTokenSource();
        var started = DateTime.UtcNow;

        // Act: the clients loop; the publishes go one by one, a rollback after every tenth.
        var loops = clients.Select(c => Task.Factory.StartNew(() => c.Loop(stop.Token), TaskCreationOptions.LongRunning)).ToList();
        var queue = StageQueue.Queue(silo, Repository);
        var grain = silo.Grains.GetGrain<IDistributionGrain>(Dist);
        var done = 0;
        // The rollbacks run beside the publishes, the k-th once 10·k - 5 publishes are live, back two
        // generations from where it finds the distribution. Through the grain call `repo rollback`
        // makes (RepoRollbackCommand; the console itself is tested in StageMaintenanceTests): on the
        // loaded development machine one console start took over two minutes beside four apt loops.
        var rollbacks = Task.Run(async () =>
        {
            for (var k = 1; k <= Rollbacks; k++)
            {
                while (Volatile.Read(ref done) < 10 * k - 5)
                    await Task.Delay(50);
                var target = (await grain.GetStatusAsync()).Generation - 2;
                var rollback = await grain.RollbackAsync(target);
                Assert.True(rollback.Ok, $"rollback to {target}: {rollback.Message}");
                Progress($"rollback {k} to generation {target} (after {Volatile.Read(ref done)} publishes)");
            }
        });
        for (var i = 0; i < Publishes; i++)
        {
            StagePackage.Drop(changes[i], queue);
            var note = $"accepted {Path.GetFileName(changes[i])}";
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(await grain.GetStatusAsync()).History.Any(h => h.Note == note))
            {
                Assert.True(DateTime.UtcNow < deadline, $"{note} was not published within 60 s");
                await Task.Delay(50);
            }
            Volatile.Write(ref done, i + 1);
            if (i % 10 == 9)
                Progress($"{i + 1} publishes");
        }
        await rollbacks;
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        var elapsed = DateTime.UtcNow - started;

        // Assert
        var details = await StageQueue.WaitAsync(silo, Dist, _ => true, "in sync");
        var history = details.Status.History;
        var accepted = history.Count(h => h.Note.StartsWith("accepted ", StringComparison.Ordinal));
        var rolledBack = history.Count(h => h.Note.StartsWith("rollback to generation ", StringComparison.Ordinal));
        output.WriteLine($"apt hammer: {accepted} publishes and {rolledBack} rollbacks in {elapsed.TotalSeconds:0} s, generation {details.Status.Generation}; " +
                         $"throttle {Throttle.TotalSeconds:0} s after each InRelease on the slowed clients");
        foreach (var c in clients)
            output.WriteLine($"  {c.Name}: {c.Updates} updates, {c.Mismatches} hash-sum mismatches, {c.BadSignatures} signature failures, {c.Failures.Count} failed" +
                             (c.Proxy is { } p ? $"; {p.Held} index fetches held after an InRelease" : ""));
        Assert.Equal(Publishes, accepted);
        Assert.Equal(Rollbacks, rolledBack);
        Assert.All(clients, c => Assert.True(c.Failures.Count == 0, $"{c.Name}: {c.Failures.Count} of {c.Updates} updates failed; the first:\n{c.Failures.FirstOrDefault()}"));
        Assert.All(clients, c => Assert.True(c.Updates >= 5, $"{c.Name}: only {c.Updates} updates ran during the publishes"));
        // The slowed clients really read indices of a generation older than live's: held, then fetched by hash.
        Assert.All(clients.Where(c => c.Proxy is not null), c => Assert.True(c.Proxy!.Held >= 5 && c.Proxy.ByHash >= 5,
            $"{c.Name}: {c.Proxy!.Held} fetches held, {c.Proxy.ByHash} by hash"));
        // By-hash carries every generation of the last ByHashMinutes whatever their number: the
        // first generation's indices, 110 publishes ago, are still served by hash.
        Assert.True(history.Count > Publishes, $"only {history.Count} publishes kept in the history");
        foreach (var f in firstIndices)
            Assert.True(File.Exists(Path.Combine(suite, ByHash.PathFor(f))), $"{f.Name} of generation {first.Status.Generation} is gone from by-hash");
        foreach (var c in clients)
        {
            StageQueue.AssertCleanUpdate(c.Apt.Update());
            c.Apt.Dispose();
        }
    }

    private static void Configure(JsonObject config, int servePort)
    {
        config["Autobuilder"]!["BuildSources"] = new JsonObject { ["ServePort"] = servePort };
        config["Autobuilder"]!["Stage"] = new JsonObject
        {
            ["ByHashMinutes"] = 60,
            ["Repositories"] = new JsonArray(new JsonObject
            {
                ["Name"] = Repository,
                ["Architectures"] = new JsonArray("amd64"),
                ["AcceptsUploads"] = true,
            }),
        };
    }

    /// <summary>Upload <paramref name="i"/>: a .deb made by dpkg-deb and the binary-only .changes a build hands the stage; returns the .changes.</summary>
    private static string MakeUpload(string folder, int i)
    {
        var (name, version) = ($"ab-hammer{i}", "1.0-1");
        var deb = Path.Combine(folder, $"{name}_{version}_amd64.deb");
        DebBuilder.Build(folder, deb, $"Package: {name}\nVersion: {version}\nArchitecture: amd64\nMaintainer: Stage Test <stage@example.org>\n" +
            "Installed-Size: 4\nSection: misc\nPriority: optional\nDescription: apt hammer package\n Published while apt clients update.\n",
            files: new Dictionary<string, string> { [$"usr/share/doc/{name}/README"] = $"{name} {version}\n" });
        var sums = ChecksumSet.ComputeFile(deb);
        var size = sums.Size.ToString(CultureInfo.InvariantCulture);
        var file = Path.GetFileName(deb);
        var changes = Path.Combine(folder, $"{name}_{version}_amd64.changes");
        File.WriteAllText(changes, $"""
            Format: 1.8
            Date: Thu, 03 Dec 2026 09:00:00 +0000
            Source: {name}
            Binary: {name}
            Architecture: amd64
            Version: {version}
            Distribution: bookworm
            Urgency: medium
            Maintainer: Stage Test <stage@example.org>
            Changed-By: Stage Test <stage@example.org>
            Description:
             {name} - apt hammer package
            Changes:
             {name} ({version}) bookworm; urgency=medium
             .
               * Apt hammer.
            Checksums-Sha1:
             {sums.Sha1} {size} {file}
            Checksums-Sha256:
             {sums.Sha256} {size} {file}
            Files:
             {sums.Md5} {size} misc optional {file}

            """.Replace("\r\n", "\n"));
        return changes;
    }

    /// <summary>One apt client: apt-get update in a loop, each run's exit code and output sorted into what went wrong.</summary>
    private sealed class Client(string name, AptSandbox apt, ThrottlingProxy? proxy)
    {
        public string Name => name;
        public AptSandbox Apt => apt;
        public ThrottlingProxy? Proxy => proxy;
        public int Updates { get; private set; }
        public int Mismatches { get; private set; }
        public int BadSignatures { get; private set; }
        public List<string> Failures { get; } = [];

        public void Loop(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var update = apt.Update();
                Updates++;
                var text = update.Stdout + update.Stderr;
                // apt's words: "Hash Sum mismatch" / "Hashes of expected file"; gpgv's through apt:
                // "NO_PUBKEY", "BADSIG", "signatures were invalid", "is not signed", "not signed".
                if (text.Contains("Hash Sum mismatch", StringComparison.OrdinalIgnoreCase) || text.Contains("Hashes of expected file", StringComparison.Ordinal))
                    Mismatches++;
                if (text.Contains("NO_PUBKEY", StringComparison.Ordinal) || text.Contains("BADSIG", StringComparison.Ordinal)
                    || text.Contains("signatures were invalid", StringComparison.Ordinal) || text.Contains("is not signed", StringComparison.Ordinal)
                    || text.Contains("signature", StringComparison.OrdinalIgnoreCase) && text.Contains("E:", StringComparison.Ordinal))
                    BadSignatures++;
                if (update.ExitCode != 0 || update.Stderr.Contains("E:", StringComparison.Ordinal) || update.Stderr.Contains("W:", StringComparison.Ordinal))
                    Failures.Add($"update {Updates} (exit {update.ExitCode}):\n{text}");
            }
        }
    }

    /// <summary>
    /// A plain HTTP/1.1 proxy in front of the live-tree server (one request per connection, as that
    /// server answers): after a client fetched an InRelease, its next request — an index, by hash —
    /// is held for the throttle before it is passed on, so the client reads a generation that is no
    /// longer live by then.
    /// </summary>
    private sealed class ThrottlingProxy : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly int _upstream;
        private readonly TimeSpan _throttle;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _afterInRelease;
        private int _held;
        private int _byHash;

        public ThrottlingProxy(int upstream, TimeSpan throttle)
        {
            (_upstream, _throttle) = (upstream, throttle);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _loop = Task.Run(LoopAsync);
        }

        public int Port { get; }
        public int Held => Volatile.Read(ref _held);
        public int ByHash => Volatile.Read(ref _byHash);

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var head = await ReadHeadAsync(stream);
                    if (head is null)
                        return;
                    var target = head.Split("\r\n", 2)[0].Split(' ') is { Length: 3 } line ? line[1] : "";
                    if (target.EndsWith("/InRelease", StringComparison.Ordinal))
                        Interlocked.Exchange(ref _afterInRelease, 1);
                    else if (Interlocked.Exchange(ref _afterInRelease, 0) == 1)
                    {
                        Interlocked.Increment(ref _held);
                        await Task.Delay(_throttle, _stop.Token);
                    }
                    if (target.Contains("/by-hash/", StringComparison.Ordinal))
                        Interlocked.Increment(ref _byHash);
                    using var upstream = new TcpClient();
                    await upstream.ConnectAsync(IPAddress.Loopback, _upstream, _stop.Token);
                    var up = upstream.GetStream();
                    await up.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                    // The server answers one request and closes: the answer is everything until then.
                    await up.CopyToAsync(stream, _stop.Token);
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }

        /// <summary>The request head (through the blank line); the rest of what apt pipelines is dropped with the connection, and apt asks again.</summary>
        private async Task<string?> ReadHeadAsync(NetworkStream stream)
        {
            var buffer = new byte[16384];
            var length = 0;
            while (length < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(length), _stop.Token);
                if (n == 0)
                    return null;
                length += n;
                var text = Encoding.ASCII.GetString(buffer, 0, length);
                if (text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0)
                    return text[..(end + 4)];
            }
            return null;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
