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

        var found = FindDebs(root, options.MaxDegreeOfParallelism);
        var cacheFile = options.CacheFile is null ? null : ScanCache.Load(options.CacheFile, root, options.Sha512, prefix);
        var cache = cacheFile?.Entries ?? [];

        var results = new ScannedDeb[found.Count];
        var misses = new List<int>();
        var stillThere = 0;
        for (var i = 0; i < found.Count; i++)
        {
            var f = found[i];
            if (cache.TryGetValue(f.RelativePath, out var cached))
            {
                stillThere++;
                if (cached.Size == f.Size && cached.LastWriteTicks == f.LastWriteTicks)
                {
                    results[i] = cached;
                    continue;
                }
            }
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

        // Every found path matches at most one entry, so the entries not matched are the vanished files.
        var dropped = cache.Count - stillThere;
        if (cacheFile is not null)
        {
            var vanished = dropped == 0 ? [] : cache.Keys.Except(found.Select(f => f.RelativePath), StringComparer.Ordinal).ToList();
            cacheFile.Save(results, misses.Select(i => results[i]), vanished);
        }
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

    // A class, not a struct: generic code over it (List, the enumerator) is then the shared code
    // precompiled in the framework, not JIT-compiled at start-up of every short CLI run.
    private sealed record Found(string RelativePath, long Size, long LastWriteTicks);

    /// <summary>
    /// Lists *.deb below <paramref name="root"/> with their size and mtime. Each file needs a
    /// stat(2), which dominates a cached scan, so folders are walked by several workers at once
    /// (a shared queue of folders; a worker lists one folder and queues its subfolders).
    /// </summary>
    private static List<Found> FindDebs(string root, int parallelism)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            // apt's ftw(3) sees hidden files too; an unreadable folder is an error there as well.
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
        };
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>();
        queue.Enqueue("");
        var outstanding = 1; // folders queued or being listed
        var lists = new List<Found>[Math.Max(1, parallelism)];
        Exception? failure = null;

        void Work(int worker)
        {
            var mine = lists[worker] = [];
            var spin = new SpinWait();
            while (Volatile.Read(ref outstanding) > 0 && Volatile.Read(ref failure) is null)
            {
                if (!queue.TryDequeue(out var relativeDir))
                {
                    spin.SpinOnce();
                    continue;
                }
                try
                {
                    var prefix = relativeDir.Length == 0 ? "" : relativeDir + "/";
                    var entries = new FileSystemEnumerable<Found>(
                        relativeDir.Length == 0 ? root : Path.Combine(root, relativeDir),
                        (ref FileSystemEntry e) => e.IsDirectory
                            ? new Found(prefix + e.FileName.ToString(), -1, 0)
                            : new Found(prefix + e.FileName.ToString(), e.Length, e.LastWriteTimeUtc.UtcTicks),
                        options)
                    {
                        ShouldIncludePredicate = (ref FileSystemEntry e) =>
                            e.IsDirectory || e.FileName.EndsWith(DebExtension, StringComparison.Ordinal),
                    };
                    foreach (var entry in entries)
                    {
                        if (entry.Size >= 0)
                        {
                            mine.Add(entry);
                            continue;
                        }
                        Interlocked.Increment(ref outstanding);
                        queue.Enqueue(entry.RelativePath);
                    }
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref failure, ex, null);
                }
                finally
                {
                    Interlocked.Decrement(ref outstanding);
                }
            }
        }

        var others = Enumerable.Range(1, lists.Length - 1).Select(w => Task.Factory.StartNew(() => Work(w), TaskCreationOptions.LongRunning)).ToArray();
        Work(0);
        Task.WaitAll(others);
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);

        var all = new List<Found>(lists.Sum(l => l.Count));
        foreach (var l in lists)
            all.AddRange(l);
        // apt-ftparchive sorts the paths as std::string: byte order of the UTF-8 path. Ordinal
        // UTF-16 order is the same unless a path has characters from U+D800 up (surrogates sort
        // before U+E000–U+FFFF in UTF-16, after them in UTF-8); only then compare the bytes.
        if (all.Any(f => f.RelativePath.AsSpan().ContainsAnyInRange('\uD800', '\uFFFF')))
            all.Sort((a, b) => Encoding.UTF8.GetBytes(a.RelativePath).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b.RelativePath)));
        else
            all.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return all;
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
