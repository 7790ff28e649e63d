using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Silo.Storage;
using Orleans.Concurrency;

namespace Autobuilder.Silo.Cluster;

/// <summary>
/// This host's data root, for the silos of other hosts. Nothing outside the data root can be read
/// or written: absolute paths are checked against it, relative ones may not climb out of it.
/// Reentrant, because transfers of different files need not wait for each other.
/// </summary>
[HostPlacement]
[Reentrant]
public sealed class HostFilesGrain(DataPaths paths) : Grain, IHostFilesGrain
{
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
        var full = Relative(relativePath);
        return File.Exists(full) ? await ReadCoreAsync(full, offset, count) : null;
    }

    public async Task WriteAsync(string relativePath, long offset, byte[] data)
    {
        var full = Relative(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await using var file = new FileStream(full, offset == 0 ? FileMode.Create : FileMode.Open, FileAccess.Write, FileShare.Read);
        file.Position = offset;
        await file.WriteAsync(data);
    }

    public async Task AppendAsync(string relativePath, byte[] data)
    {
        var full = Relative(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await using var file = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await file.WriteAsync(data);
    }

    public Task<string> CommitAsync(string relativeFrom, string relativeTo)
    {
        var from = Relative(relativeFrom);
        var to = Relative(relativeTo);
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
        var full = Relative(relativePath);
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

    /// <summary>An absolute path, refused unless it lies under the data root.</summary>
    private string Inside(string path)
    {
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(paths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new UnauthorizedAccessException($"{path} is outside the data root of this host");
        return full;
    }

    /// <summary>A path relative to the data root whose every part is a plain file name (no "..", no "/" at the start).</summary>
    private string Relative(string relativePath)
    {
        var parts = relativePath.Split('/');
        if (Path.IsPathRooted(relativePath) || parts.Any(p => !FileNames.IsSafe(p)))
            throw new UnauthorizedAccessException($"'{relativePath}' is not a plain path under the data root");
        return Path.Combine([paths.Root, .. parts]);
    }
}
