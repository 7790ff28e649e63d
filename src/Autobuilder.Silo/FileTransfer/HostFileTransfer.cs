using Autobuilder.Grains;

namespace Autobuilder.Silo.FileTransfer;

/// <summary>Copies files between this host and another one's data root through <see cref="IHostFilesGrain"/>, in chunks.</summary>
public static class HostFileTransfer
{
    // Small enough for one message each, large enough that a .deb takes few round trips.
    public const int ChunkSize = 1 << 20;

    /// <summary>Copies <paramref name="remotePath"/> (absolute, on the other host) to <paramref name="localPath"/>; returns its length.</summary>
    public static async Task<long> FetchAsync(IHostFilesGrain host, string remotePath, string localPath, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        await using var file = new FileStream(localPath, FileMode.Create, FileAccess.Write);
        long offset = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var chunk = await host.ReadAsync(remotePath, offset, ChunkSize);
            await file.WriteAsync(chunk, ct);
            offset += chunk.Length;
            // The other side reads all it is asked for up to the end of the file: a short chunk is
            // the last one, and asking again for the empty rest would cost a round trip per file.
            if (chunk.Length < ChunkSize)
                break;
        }
        await file.FlushAsync(ct);
        return offset;
    }

    /// <summary>Copies <paramref name="localPath"/> to <paramref name="relativePath"/> on the other host (not yet committed).</summary>
    public static async Task PushAsync(IHostFilesGrain host, string localPath, string relativePath, CancellationToken ct)
    {
        await using var file = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[ChunkSize];
        long offset = 0;
        do
        {
            ct.ThrowIfCancellationRequested();
            var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            // An empty file is still written once, so it exists on the other side.
            if (read == 0 && offset > 0)
                break;
            await host.WriteAsync(relativePath, offset, read == buffer.Length ? buffer : buffer[..read]);
            offset += read;
            if (read < buffer.Length)
                break;
        }
        while (true);
    }

    /// <summary>A path under a data root as the other host names it: "results/bookworm/…" with '/' separators.</summary>
    public static string RelativeTo(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
}
