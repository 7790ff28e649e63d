using System.Globalization;
using System.Runtime.InteropServices;
using Autobuilder.Debian.Checksums;

namespace Autobuilder.Benchmarks.Stage;

/// <summary>
/// One upload per generated package, as the builder hands it to the stage: a tiny .deb
/// (<see cref="DebGenerator"/>) and a binary-only .changes naming it with its sums. Each package is
/// its own source (bench&lt;i&gt;), as in an archive of many small packages.
/// </summary>
internal static partial class StageUploads
{
    public const string Product = "bookworm";

    public static string Version(int i) => $"1.0-{i % 7}";

    public static string Deb(int i) => $"bench{i}_{Version(i)}_amd64.deb";

    public static string Changes(int i) => $"bench{i}_{Version(i)}_amd64.changes";

    /// <summary>Writes uploads 0 … <paramref name="count"/>-1 into <paramref name="folder"/> (in parallel).</summary>
    public static void Generate(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var data = DebGenerator.DataTarGz();
        Parallel.For(0, count, i => Write(folder, i, data));
    }

    private static void Write(string folder, int i, byte[] data)
    {
        var deb = Path.Combine(folder, Deb(i));
        DebGenerator.Write(deb, i, data);
        WriteBinaryChanges(Path.Combine(folder, Changes(i)), deb, $"bench{i}", Version(i), i, "the stage benchmark");
    }

    /// <summary>
    /// The binary-only .changes of one generated .deb (source of the same name, amd64), as a build
    /// writes it: what the stage's repo-incoming takes. Shared by the stage, publish and QA benchmarks.
    /// </summary>
    public static void WriteBinaryChanges(string path, string deb, string name, string version, int number, string purpose)
    {
        var sums = ChecksumSet.ComputeFile(deb);
        var size = sums.Size.ToString(CultureInfo.InvariantCulture);
        var file = Path.GetFileName(deb);
        var changes = $"""
            Format: 1.8
            Date: Wed, 25 Nov 2026 12:00:00 +0000
            Source: {name}
            Binary: {name}
            Architecture: amd64
            Version: {version}
            Distribution: {Product}
            Urgency: medium
            Maintainer: Bench Maker <bench@example.org>
            Changed-By: Bench Maker <bench@example.org>
            Description:
             {name} - generated package number {number}
            Changes:
             {name} ({version}) {Product}; urgency=medium
             .
               * Generated for {purpose}.
            Checksums-Sha1:
             {sums.Sha1} {size} {file}
            Checksums-Sha256:
             {sums.Sha256} {size} {file}
            Files:
             {sums.Md5} {size} misc optional {file}

            """.Replace("\r\n", "\n");
        File.WriteAllText(path, changes);
    }

    /// <summary>Uploads 0 … <paramref name="count"/>-1 in <paramref name="folder"/>, generated unless a marker says they are there from an earlier run.</summary>
    public static void EnsureGenerated(string folder, int count)
    {
        var marker = Path.Combine(folder, ".generated");
        if (File.Exists(marker) && File.ReadAllText(marker) == count.ToString(CultureInfo.InvariantCulture))
            return;
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Generate(folder, count);
        Console.Error.WriteLine($"generated {count} uploads in {sw.Elapsed.TotalSeconds:0.0} s");
        File.WriteAllText(marker, count.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Hard-links upload <paramref name="i"/> into a queue folder, the .deb first and the .changes last, as the hand-off does.</summary>
    public static void Link(string from, string queue, int i)
    {
        foreach (var name in new[] { Deb(i), Changes(i) })
        {
            if (LinkNative(Path.Combine(from, name), Path.Combine(queue, name)) != 0)
                File.Copy(Path.Combine(from, name), Path.Combine(queue, name));
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkNative(string oldPath, string newPath);
}
