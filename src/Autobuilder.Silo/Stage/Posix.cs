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
    private const int ODirectory = 0x10000; // O_DIRECTORY on Linux (x86-64 and arm64).

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
    public static void Sync(string path) =>
        OnDescriptor(path, ORdOnly, Fsync, $"cannot open {path} to sync it", $"cannot sync {path}");

    /// <summary>fsync(2) of a folder, refusing anything else (O_DIRECTORY): makes a rename or creation in it durable.</summary>
    public static void SyncFolder(string folder) =>
        OnDescriptor(folder, ORdOnly | ODirectory, Fsync, $"cannot open folder {folder} to sync it", $"cannot sync folder {folder}");

    /// <summary>Opens <paramref name="path"/>, runs one call on the descriptor, closes it; a failure of either is an IOException with errno.</summary>
    private static void OnDescriptor(string path, int flags, Func<int, int> call, string cannotOpen, string cannotCall)
    {
        var fd = Open(path, flags);
        if (fd < 0)
            throw new IOException($"{cannotOpen} (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (call(fd) != 0)
                throw new IOException($"{cannotCall} (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Syncs every folder below <paramref name="root"/>, the root last, so that every name in the
    /// tree survives a power cut. The files' data is not synced here: a file the publisher writes is
    /// flushed to disk by its writer, and every other file in a generation is a hard link to a file
    /// that was durable before (a name is the folder's business). Syncing each of those again cost
    /// a journal commit apiece, tens of milliseconds per publish.
    /// </summary>
    public static void SyncFolders(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            Sync(dir);
        Sync(root);
    }

    /// <summary>
    /// Makes the names in <paramref name="folders"/> durable: fsync(2) of each, or for many folders
    /// (thousands of pool folders in an import) one syncfs(2) of their file system, which costs one
    /// journal commit instead of one per folder.
    /// </summary>
    public static void SyncMany(IReadOnlyCollection<string> folders)
    {
        if (folders.Count <= ManyFolders)
        {
            foreach (var folder in folders)
                Sync(folder);
            return;
        }
        OnDescriptor(folders.First(), ORdOnly, SyncFs,
            $"cannot open {folders.First()} to sync its file system", $"cannot sync the file system of {folders.First()}");
        // syncfs covers one file system; a folder on another one (a mount below the pool) gets its own fsync.
        var device = Device(folders.First());
        foreach (var folder in folders.Where(f => Device(f) != device))
            Sync(folder);
    }

    private const int ManyFolders = 16;

    private static ulong Device(string path) => Stat(path, out var st) == 0 ? st.Dev : ulong.MaxValue;

    // struct stat on x86-64/aarch64 glibc starts with st_dev (dev_t, 8 bytes); the rest is not read.
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct StatBuffer
    {
        public ulong Dev;
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, out StatBuffer buffer);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

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
