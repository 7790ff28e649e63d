using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Safety;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// Publishes one index (Packages, Sources …) below dists/&lt;suite&gt;/ with its compressed
/// variants, and returns the Release entries for them. Every file is written under a hidden
/// temporary name in its final folder, summed, and only then renamed into place, so a client never
/// sees a half-written index (the habit of aptly's index_files and of dak). The temporary names
/// start with '.', which apt-ftparchive's Release patterns (Packages, Packages.*) do not match.
/// </summary>
public static class IndexFiles
{
    /// <param name="suiteDirectory">The dists/&lt;suite&gt; folder.</param>
    /// <param name="relativePath">The index's path below it, with '/' separators: "main/binary-amd64/Packages".</param>
    /// <returns>Entries for Release: the uncompressed index first (even when it is not kept), then each variant.</returns>
    public static IReadOnlyList<FileEntry> Write(string suiteDirectory, string relativePath, IEnumerable<ControlParagraph> paragraphs,
        IndexOptions? options = null) =>
        Write(suiteDirectory, relativePath, s => IndexWriter.Write(s, paragraphs), options);

    /// <summary>As above, with the index's content written by <paramref name="writeContent"/>.</summary>
    public static IReadOnlyList<FileEntry> Write(string suiteDirectory, string relativePath, Action<Stream> writeContent,
        IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        var target = Resolve(suiteDirectory, relativePath);
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);

        var temporaries = new List<(string Temp, string Final)>();
        try
        {
            var plainTemp = TempName(target);
            temporaries.Add((plainTemp, target));
            using (var f = new FileStream(plainTemp, FileMode.CreateNew, FileAccess.Write))
                writeContent(f);
            var entries = new List<FileEntry> { Entry(relativePath, ChecksumSet.ComputeFile(plainTemp)) };

            foreach (var kind in options.Compressions.Where(k => k != CompressionKind.None).Distinct())
            {
                var final = target + Compressions.Extension(kind);
                var temp = TempName(final);
                temporaries.Add((temp, final));
                using (var input = File.OpenRead(plainTemp))
                using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                using (var compressor = Compressions.Compress(output, kind, leaveOpen: true))
                    input.CopyTo(compressor);
                entries.Add(Entry(relativePath + Compressions.Extension(kind), ChecksumSet.ComputeFile(temp)));
            }

            // Compressed variants first: apt prefers them, so the set it reads is complete soonest.
            foreach (var (temp, final) in temporaries.Skip(1))
                File.Move(temp, final, overwrite: true);
            if (options.KeepUncompressed)
            {
                File.Move(plainTemp, target, overwrite: true);
            }
            else
            {
                File.Delete(plainTemp);
                // A stale uncompressed copy from an earlier run would no longer match Release.
                File.Delete(target);
            }
            return entries;
        }
        finally
        {
            foreach (var (temp, _) in temporaries)
                File.Delete(temp);
        }
    }

    private static FileEntry Entry(string name, ChecksumSet sums) => new(name, sums.Size, sums.Md5, sums.Sha1, sums.Sha256);

    private static string TempName(string final) =>
        Path.Combine(Path.GetDirectoryName(final)!, $".{Path.GetFileName(final)}.new-{Guid.NewGuid():N}");

    /// <summary>The full path of an index below the suite folder; refuses paths that could leave it.</summary>
    internal static string Resolve(string suiteDirectory, string relativePath)
    {
        var parts = relativePath.Split('/');
        foreach (var part in parts)
            FileNames.Require(part, $"index path '{FileNames.Printable(relativePath)}'");
        return Path.Combine([Path.GetFullPath(suiteDirectory), .. parts]);
    }
}
