using Autobuilder.Silo.Stage;

namespace Autobuilder.Silo.Storage;

/// <summary>
/// Atomic replacement of a small file: write a temporary file beside it, fsync it, rename it over
/// the old one, fsync the folder. A crash at any point leaves either the old or the new content,
/// never a mix (rename(2) is atomic within a file system).
/// </summary>
public static class DurableFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            SyncDirectory(directory);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Makes a rename or creation in <paramref name="directory"/> durable.</summary>
    public static void SyncDirectory(string directory) => Posix.SyncFolder(directory);
}
