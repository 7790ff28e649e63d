using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Silo.Storage;
using Orleans.Concurrency;

namespace Autobuilder.Silo.FileTransfer;

/// <summary>
/// This host's data root, for the silos of other hosts (its methods are for silos only: the access
/// filter refuses every client). Only the folders transfers exist for can be reached: sources are
/// read from uploads/, results and live logs written to results/ and logs/, packages to
/// repo-incoming/, uploads a drop host ships to drop-incoming/; never gnupg/, state/, certs/ or anything else, and no path through a symbolic
/// link. Reentrant, because transfers of different files need not wait for each other.
/// </summary>
[HostPlacement]
[Reentrant]
public sealed class HostFilesGrain(DataPaths paths) : Grain, IHostFilesGrain
{
    /// <summary>Top folders of the data root another host may read from.</summary>
    public static readonly IReadOnlySet<string> Readable = new HashSet<string>(StringComparer.Ordinal) { "uploads", "results", "logs" };

    /// <summary>Top folders of the data root another host may write, rename into or delete from.</summary>
    public static readonly IReadOnlySet<string> Writable = new HashSet<string>(StringComparer.Ordinal) { "results", "logs", "repo-incoming", "drop-incoming" };

    public Task<IReadOnlyList<HostFile>> ListAsync(string folder)
    {
        var full = Inside(folder);
        IReadOnlyList<HostFile> files = Directory.Exists(full)
            ? [.. new DirectoryInfo(full).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => new HostFile(f.Name, f.Length))]
            : [];
        return Task.FromResult(files);
    }

    public Task<byte[]> ReadAsync(string path, long offset, int count) => ReadCoreAsync(Inside(path), offset, count);

    public async Task<byte[]?> ReadRelativeAsync(string relativePath, long offset, int count)
    {
        var full = Relative(relativePath, Readable);
        return File.Exists(full) ? await ReadCoreAsync(full, offset, count) : null;
    }

    public async Task WriteAsync(string relativePath, long offset, byte[] data)
    {
        var full = Relative(relativePath, Writable);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await using var file = new FileStream(full, offset == 0 ? FileMode.Create : FileMode.Open, FileAccess.Write, FileShare.Read);
        file.Position = offset;
        await file.WriteAsync(data);
    }

    public async Task AppendAsync(string relativePath, byte[] data)
    {
        var full = Relative(relativePath, Writable);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await using var file = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await file.WriteAsync(data);
    }

    public Task<string> CommitAsync(string relativeFrom, string relativeTo)
    {
        var from = Relative(relativeFrom, Writable);
        var to = Relative(relativeTo, Writable);
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        if (Directory.Exists(from))
        {
            foreach (var file in Directory.EnumerateFiles(from))
                Flush(file);
            if (Directory.Exists(to))
                Directory.Delete(to, recursive: true);
            Directory.Move(from, to);
        }
        else
        {
            // Written through a FileStream without flushing to disk: do it before the name becomes visible.
            Flush(from);
            File.Move(from, to, overwrite: true);
        }
        DurableFile.SyncDirectory(Path.GetDirectoryName(to)!);
        return Task.FromResult(to);
    }

    public Task DeleteAsync(string relativePath)
    {
        var full = Relative(relativePath, Writable);
        if (Directory.Exists(full))
            Directory.Delete(full, recursive: true);
        else if (File.Exists(full))
            File.Delete(full);
        return Task.CompletedTask;
    }

    private static async Task<byte[]> ReadCoreAsync(string full, long offset, int count)
    {
        await using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (offset >= file.Length)
            return [];
        file.Position = offset;
        var buffer = new byte[(int)Math.Min(count, file.Length - offset)];
        var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
        return read == buffer.Length ? buffer : buffer[..read];
    }

    private static void Flush(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>An absolute path (a build's source folder), refused unless it lies in a readable folder of the data root.</summary>
    private string Inside(string path)
    {
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(paths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new UnauthorizedAccessException($"{path} is outside the data root of this host");
        return Relative(Path.GetRelativePath(paths.Root, full).Replace(Path.DirectorySeparatorChar, '/'), Readable);
    }

    /// <summary>
    /// A path relative to the data root whose every part is a plain file name (no "..", no "/" at the
    /// start), under one of <paramref name="allowed"/>, and with no symbolic link on the way.
    /// </summary>
    private string Relative(string relativePath, IReadOnlySet<string> allowed) => Resolve(paths.Root, relativePath, allowed);

    internal static string Resolve(string root, string relativePath, IReadOnlySet<string> allowed)
    {
        var parts = relativePath.Split('/');
        if (Path.IsPathRooted(relativePath) || parts.Any(p => !FileNames.IsSafe(p)))
            throw new UnauthorizedAccessException($"'{relativePath}' is not a plain path under the data root");
        if (parts.Length < 2 || !allowed.Contains(parts[0]))
            throw new UnauthorizedAccessException($"'{relativePath}' is not in a folder host file transfer serves ({string.Join(", ", allowed.Order())})");
        var full = root;
        foreach (var part in parts)
        {
            full = Path.Combine(full, part);
            if (new FileInfo(full).LinkTarget is not null)
                throw new UnauthorizedAccessException($"'{relativePath}' passes through a symbolic link");
        }
        return full;
    }
}
