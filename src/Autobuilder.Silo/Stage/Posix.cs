using System.Runtime.InteropServices;

namespace Autobuilder.Silo.Stage;

/// <summary>
/// The few system calls the stage's atomicity rests on, called directly so their semantics are
/// exactly POSIX's: rename(2) replaces its target (a symbolic link included) in one step, link(2)
/// makes a name appear complete or not at all, fsync(2) makes both survive a power cut.
/// </summary>
internal static partial class Posix
{
    private const int EEXIST = 17;
    private const int ORdOnly = 0;

    /// <summary>rename(2): <paramref name="to"/> is replaced atomically; readers see the old or the new, never neither.</summary>
    public static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
            throw new IOException($"cannot rename {from} to {to} (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>
    /// Makes <paramref name="destination"/> a hard link of <paramref name="source"/>, or, where
    /// links are not possible (another file system), a copy written under a temporary name,
    /// synced and renamed into place. False when <paramref name="destination"/> already exists.
    /// </summary>
    public static bool LinkOrCopy(string source, string destination)
    {
        if (LinkNative(source, destination) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST)
            return false;
        if (!File.Exists(source))
            throw new FileNotFoundException($"{source} does not exist", source);
        var temp = Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var input = File.OpenRead(source))
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
            }
            if (LinkNative(temp, destination) != 0)
            {
                if (Marshal.GetLastPInvokeError() == EEXIST)
                    return false;
                throw new IOException($"cannot place {destination} (errno {Marshal.GetLastPInvokeError()})");
            }
            return true;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>fsync(2) of a file or folder by path (Linux allows it on a read-only descriptor).</summary>
    public static void Sync(string path)
    {
        var fd = Open(path, ORdOnly);
        if (fd < 0)
            throw new IOException($"cannot open {path} to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"cannot sync {path} (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Syncs every file and folder below <paramref name="root"/>, the root included.</summary>
    public static void SyncTree(string root)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            Sync(file);
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
            Sync(dir);
        Sync(root);
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameNative(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkNative(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
