using System.Diagnostics;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.HttpUpload;

/// <summary>
/// The HTTP upload against scp, in the same run, to the same machine and disk: one 100 MiB orig
/// tarball (random bytes, so nothing compresses it) sent with scp to a real sshd (OpenSSH's default
/// ciphers, a key login as an ordinary user, as uploaders meet it), with curl as one PUT to the
/// silo's HTTPS upload (what dput sends, without the prompt), and with the real dput (method
/// https) uploading the whole source package around it. Runs are interleaved so other load falls
/// on each alike; each figure is the best and the median of the runs.
/// </summary>
internal sealed class HttpUploadBenchmark(Report report)
{
    private const string User = "abhttpbench";

    public async Task RunAsync(long tarballBytes, int runs)
    {
        var root = Directory.CreateDirectory(Path.Combine("/var/tmp", $"ab-http-bench-{Guid.NewGuid():N}")).FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        try
        {
            await RunInAsync(root, tarballBytes, runs);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private async Task RunInAsync(string root, long tarballBytes, int runs)
    {
        // The package: a real source package whose orig tarball holds tarballBytes of random data.
        var package = new SourcePackage(Name: "bigpkg");
        var source = Directory.CreateDirectory(Path.Combine(root, "source")).FullName;
        var tree = package.WriteTree(source);
        using (var data = File.Create(Path.Combine(tree, "data.bin")))
        {
            var chunk = new byte[1 << 20];
            for (long n = 0; n < tarballBytes; n += chunk.Length)
            {
                Random.Shared.NextBytes(chunk);
                data.Write(chunk, 0, (int)Math.Min(chunk.Length, tarballBytes - n));
            }
        }
        var orig = $"{package.Name}_{package.UpstreamVersion}.orig.tar.gz";
        Tool.Run("tar", ["-I", "gzip -1", "-cf", orig, "--owner=0", "--group=0", $"{Path.GetFileName(tree)}/{package.Name}", $"{Path.GetFileName(tree)}/data.bin"], workingDirectory: source).Ok();
        Tool.Run("dpkg-source", ["-b", Path.GetFileName(tree)], workingDirectory: source).Ok();
        var changes = Path.Combine(source, $"{package.Name}_{package.Version}_source.changes");
        Tool.Run("dpkg-genchanges", ["-S", "-sa", $"-O{changes}"], workingDirectory: tree).Ok();
        var tarball = Path.Combine(source, orig);
        var size = new FileInfo(tarball).Length;

        // scp's side: a real sshd and an ordinary user who owns the target folder.
        UnixUser.Ensure(User);
        var scpTarget = Directory.CreateDirectory(Path.Combine(root, "scp")).FullName;
        Tool.Run("chown", User, scpTarget).Ok();
        using var keys = new TempDir("ab-bench-http-keys-");
        var key = SshKey.Generate(keys.Path, User);
        using var sshd = SshServer.Start();
        sshd.Authorize(User, key.PublicKey);

        // The HTTP side: a silo of role "all" with the upload on, an account and its token.
        var port = SiloProcess.FreePort();
        await using var silo = new SiloProcess(Path.Combine(root, "var"), config =>
        {
            var autobuilder = config["Autobuilder"]!.AsObject();
            autobuilder["Slots"] = new JsonArray();
            autobuilder["Uploaders"] = new JsonObject { ["Http"] = new JsonObject { ["Enabled"] = true, ["Port"] = port } };
        });
        await silo.StartAsync();
        var directory = silo.Grains.GetGrain<IAccountDirectoryGrain>(0);
        await directory.AddAsync(new NewAccount("bench", "Benchmark", "bench@example.org", []));
        var token = (await directory.AddTokenAsync("bench", "benchmark", null)).Secret;
        var ca = Path.Combine(silo.CertificatesFolder, "ca.crt");
        var area = Path.Combine(silo.DataRoot, "http-incoming", "bench", "bookworm");
        var dputConfig = Path.Combine(root, "dput.cf");
        File.WriteAllText(dputConfig, $"""
            [autobuilder]
            fqdn = localhost:{port}
            method = https
            incoming = /upload/bookworm
            login = bench
            allow_unsigned_uploads = 1

            """);

        double Scp()
        {
            var clock = Stopwatch.StartNew();
            Tool.Run("scp", ["-q", "-i", key.PrivateKeyFile, "-P", sshd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                tarball, $"{User}@127.0.0.1:{scpTarget}/"]).Ok();
            var seconds = clock.Elapsed.TotalSeconds;
            Check(Path.Combine(scpTarget, orig), size, "scp");
            return seconds;
        }
        double Curl()
        {
            var clock = Stopwatch.StartNew();
            var result = Tool.Run("curl", ["-sS", "--fail", "--cacert", ca, "-u", $"bench:{token}", "-H", "Expect:", "-T", tarball,
                $"https://localhost:{port}/upload/bookworm/{orig}"]).Ok();
            var seconds = clock.Elapsed.TotalSeconds;
            Check(Path.Combine(area, orig), size, $"curl ({result.Stdout.Trim()})");
            return seconds;
        }
        double Dput()
        {
            var clock = Stopwatch.StartNew();
            Tool.Run("setsid", ["-w", "dput", "-f", "-c", dputConfig, "autobuilder", changes], workingDirectory: source,
                environment: new Dictionary<string, string> { ["SSL_CERT_FILE"] = ca }, stdin: token + "\n").Ok();
            var seconds = clock.Elapsed.TotalSeconds;
            if (File.Exists(Path.Combine(area, orig)))
                Check(Path.Combine(area, orig), size, "dput");
            return seconds;
        }
        void Clean()
        {
            foreach (var folder in new[] { scpTarget, area })
            {
                if (Directory.Exists(folder))
                {
                    foreach (var f in Directory.GetFiles(folder))
                        File.Delete(f);
                }
            }
        }

        Clean();
        Scp(); Clean(); Curl(); Clean(); // warm-up: page cache, connection set-up paths, the silo's JIT
        var scp = new List<double>();
        var curl = new List<double>();
        var dput = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            scp.Add(Scp()); Clean();
            curl.Add(Curl()); Clean();
            dput.Add(Dput()); Clean();
        }

        double Mib(double seconds) => size / (1 << 20) / seconds;
        report.Line($"One {size / (1 << 20)} MiB orig tarball (random bytes, {size} bytes) to this machine, {runs} interleaved runs; load before: {Report.Load()}.");
        report.Line("");
        report.Line("| path | best | median | MiB/s (median) | speed vs scp (median) |");
        report.Line("| --- | ---: | ---: | ---: | ---: |");
        void Row(string what, List<double> t) =>
            report.Line($"| {what} | {Report.S(t.Min())} | {Report.S(Median(t))} | {Mib(Median(t)):0} | **{Median(scp) / Median(t) * 100:0} %** |");
        Row("scp to a real sshd (key login, OpenSSH default cipher)", scp);
        Row("HTTPS PUT with curl (one request, as dput sends it)", curl);
        Row("dput, method https (the whole source upload: .dsc, 401 and prompt, tarballs, .changes)", dput);
        report.Line("");
        report.Line($"HTTP upload speed: **{Median(scp) / Median(curl) * 100:0} %** of scp's (curl), **{Median(scp) / Median(dput) * 100:0} %** with dput " +
                    $"(target ≥ 80 %). Load after: {Report.Load()}.");
    }

    private static void Check(string path, long size, string what)
    {
        if (!File.Exists(path) || new FileInfo(path).Length != size)
            throw new InvalidOperationException($"{what}: {path} did not arrive whole");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
