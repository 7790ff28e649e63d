using System.Diagnostics;
using System.Security.Cryptography;
using Autobuilder.Debian.Checksums;

namespace Autobuilder.Benchmarks;

/// <summary>
/// Verifying a large file: <see cref="ChecksumSet.ComputeFile"/> (MD5, SHA-1 and SHA-256 in one
/// read) against sha256sum, openssl dgst -sha256 and md5sum, all reading from the page cache.
/// </summary>
internal sealed class ChecksumBenchmark(string work, Report report, int runs)
{
    public void Run(long size)
    {
        var file = Path.Combine(work, $"checksum-{size}.bin");
        if (!File.Exists(file) || new FileInfo(file).Length != size)
            Create(file, size);
        // Read it once so every contender reads from the page cache, not the disk.
        using (var s = File.OpenRead(file))
            s.CopyTo(Stream.Null, 4 << 20);
        ChecksumSet.Compute(new MemoryStream(new byte[16 << 20])); // JIT warm-up on another input

        var idle = Measure.WaitForQuiet(TimeSpan.FromMinutes(3));
        double Ours() => Time(() => ChecksumSet.ComputeFile(file));
        double OursSha256() => Time(() =>
        {
            using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[4 << 20];
            int n;
            while ((n = s.Read(buffer)) > 0)
                sha.AppendData(buffer, 0, n);
            sha.GetHashAndReset();
        });
        double Tool(string name, params string[] args) => Measure.Run("/dev/null", name, [.. args, file]);

        var ours = Measure.Best(runs, Ours);
        var oursSha = Measure.Best(runs, OursSha256);
        var openssl = Measure.Best(runs, () => Tool("openssl", "dgst", "-sha256"));
        var sha256sum = Measure.Best(runs, () => Tool("sha256sum"));
        var md5sum = Measure.Best(runs, () => Tool("md5sum"));
        var sha1sum = Measure.Best(runs, () => Tool("sha1sum"));

        var mib = size / (1024.0 * 1024.0);
        report.Heading($"Checksums of a {mib / 1024:0.##} GiB file (page cache)");
        report.Line("| what | time | MiB/s | openssl SHA-256 speed = 100 % |");
        report.Line("| --- | ---: | ---: | ---: |");
        foreach (var (what, t) in new[]
                 {
                     ("ours: ChecksumSet.ComputeFile (MD5 + SHA-1 + SHA-256, one read)", ours),
                     ("ours: SHA-256 only (IncrementalHash)", oursSha),
                     ("openssl dgst -sha256", openssl),
                     ("sha256sum", sha256sum),
                     ("sha1sum", sha1sum),
                     ("md5sum", md5sum),
                 })
            report.Line($"| {what} | {Report.S(t)} | {mib / t:0} | {openssl / t * 100:0} % |");
        report.Line($"\nIdle CPU before: {idle:P0}.");
    }

    private static double Time(Action body)
    {
        var sw = Stopwatch.StartNew();
        body();
        return sw.Elapsed.TotalSeconds;
    }

    private static void Create(string file, long size)
    {
        var block = new byte[16 << 20];
        new Random(1).NextBytes(block);
        using var s = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        for (long written = 0; written < size; written += block.Length)
        {
            block[0]++; // no two blocks alike
            s.Write(block, 0, (int)Math.Min(block.Length, size - written));
        }
    }
}
