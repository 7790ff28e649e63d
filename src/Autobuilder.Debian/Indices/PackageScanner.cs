using System.Buffers;
using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Text;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Deb;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// Builds a Packages index for every .deb below a folder, as <c>apt-ftparchive packages DIR</c>
/// does: files named *.deb (case-sensitive, hidden ones included) in any subfolder, in byte order
/// of their path (apt sorts the paths it found before writing), Filename being the folder as given
/// (trailing slashes dropped) + '/' + the path below it. Each .deb is read once: it is summed and
/// parsed from the same bytes. With a cache file, a .deb whose relative path, size and mtime are
/// unchanged is not opened at all.
/// </summary>
public static class PackageScanner
{
    public const string DebExtension = ".deb";

    // Up to this size a .deb is read into memory with one read, then summed and parsed from there;
    // a larger one streams through the hashes while it is parsed.
    private const int InMemoryLimit = 16 << 20;

    public static PackageScan Scan(string directory, PackageScanOptions? options = null)
    {
        options ??= new PackageScanOptions();
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"{directory}: no such folder");
        var prefixText = FilenamePrefix(directory);
        var prefix = Encoding.UTF8.GetBytes(prefixText);

        var found = FindDebs(root);
        var cache = options.CacheFile is null
            ? new Dictionary<string, ScannedDeb>()
            : ScanCache.Load(options.CacheFile, root, options.Sha512, prefix);

        var results = new ScannedDeb[found.Count];
        var misses = new List<int>();
        for (var i = 0; i < found.Count; i++)
        {
            var f = found[i];
            if (cache.TryGetValue(f.RelativePath, out var cached) && cached.Size == f.Size && cached.LastWriteTicks == f.LastWriteTicks)
                results[i] = cached;
            else
                misses.Add(i);
        }

        var errors = new Exception?[found.Count];
        Parallel.For(0, misses.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) },
            (m, state) =>
            {
                var i = misses[m];
                var f = found[i];
                try
                {
                    var (template, offset) = ReadStanza(Path.Combine(root, f.RelativePath), f.RelativePath, prefixText + f.RelativePath, options.Sha512);
                    results[i] = new ScannedDeb(f.RelativePath, f.Size, f.LastWriteTicks, template, offset, fromCache: false, prefix);
                }
                catch (Exception ex) when (ex is DebianFormatException or IOException or UnauthorizedAccessException)
                {
                    errors[i] = ex;
                    // Break, not Stop: every earlier file still runs, so the error reported is the first in path order.
                    state.Break();
                }
            });
        if (errors.FirstOrDefault(e => e is not null) is { } error)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);

        var present = new HashSet<string>(found.Select(f => f.RelativePath), StringComparer.Ordinal);
        var dropped = cache.Keys.Count(k => !present.Contains(k));
        if (options.CacheFile is not null && (misses.Count > 0 || dropped > 0 || cache.Count != found.Count))
            ScanCache.Save(options.CacheFile, root, options.Sha512, results);
        return new PackageScan(results, dropped);
    }

    /// <summary>The Packages stanza of one .deb, read (and summed) in one pass.</summary>
    /// <param name="filename">The Filename value to write.</param>
    public static string ScanFile(string path, string filename, bool sha512 = true)
    {
        var (template, offset) = ReadStanza(path, filename, path, sha512);
        return Encoding.UTF8.GetString(template);
    }

    /// <summary>
    /// The prefix apt-ftparchive puts before the path below the folder: the folder as given on the
    /// command line, trailing slashes dropped, then '/' ("pool/" → "pool/", "." → "./").
    /// </summary>
    internal static string FilenamePrefix(string directory)
    {
        var trimmed = directory.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed + "/";
    }

    private readonly record struct Found(string RelativePath, byte[] SortKey, long Size, long LastWriteTicks);

    private static List<Found> FindDebs(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            // apt's ftw(3) sees hidden files too; an unreadable folder is an error there as well.
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            MatchCasing = MatchCasing.CaseSensitive,
            MatchType = MatchType.Simple,
        };
        var enumerable = new FileSystemEnumerable<Found>(root, (ref FileSystemEntry entry) =>
        {
            var directory = entry.Directory.Length > root.Length ? entry.Directory[(root.Length + 1)..] : [];
            var relative = directory.IsEmpty ? entry.FileName.ToString() : string.Concat(directory, "/", entry.FileName);
            return new Found(relative, Encoding.UTF8.GetBytes(relative), entry.Length, entry.LastWriteTimeUtc.UtcTicks);
        }, options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory && entry.FileName.EndsWith(DebExtension, StringComparison.Ordinal),
        };
        var list = enumerable.ToList();
        // apt-ftparchive sorts the std::string paths: byte order of the UTF-8 path.
        list.Sort((a, b) => a.SortKey.AsSpan().SequenceCompareTo(b.SortKey));
        return list;
    }

    private static (byte[] Template, int FilenameOffset) ReadStanza(string path, string filename, string source, bool wantSha512)
    {
        ChecksumSet sums;
        string? sha512;
        DebFile deb;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            var length = RandomAccess.GetLength(handle);
            if (length <= InMemoryLimit)
            {
                var buffer = ArrayPool<byte>.Shared.Rent((int)length);
                try
                {
                    var n = 0;
                    while (n < length)
                    {
                        var read = RandomAccess.Read(handle, buffer.AsSpan(n, (int)length - n), n);
                        if (read == 0)
                            break;
                        n += read;
                    }
                    var bytes = buffer.AsSpan(0, n);
                    sums = ChecksumSet.Compute(bytes);
                    sha512 = wantSha512 ? Convert.ToHexStringLower(SHA512.HashData(bytes)) : null;
                    deb = DebFile.Read(new MemoryStream(buffer, 0, n, writable: false), source);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            else
            {
                using var file = new FileStream(handle, FileAccess.Read, 1 << 20);
                using var hashing = new HashingReadStream(file, wantSha512);
                deb = DebFile.Read(hashing, source);
                sums = hashing.Finish(out sha512);
            }
        }

        var template = PackagesStanza.ToUtf8(PackagesStanza.Fields(deb.Control, filename, sums, sha512, source), out var offset);
        return (template, offset);
    }
}
