using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Autobuilder.Silo.Intake;

/// <summary>What a name in incoming is, as lstat(2) sees it: the link itself, never its target.</summary>
public enum EntryKind
{
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>One name in incoming, looked at without following it and without opening it.</summary>
/// <remarks><see cref="Owner"/>: the user id that owns the entry (the kernel's word: only root can give a file away).</remarks>
public readonly record struct EntryInfo(EntryKind Kind, long Size, DateTimeOffset Modified, ulong Inode, ulong Device, uint Owner = 0)
{
    public bool IsRegular => Kind == EntryKind.Regular;

    /// <summary>The kind in an uploader's words, for reasons: "a symbolic link", "a named pipe (FIFO)" …</summary>
    public string Describe() => Describe(Kind);

    public static string Describe(EntryKind kind) => kind switch
    {
        EntryKind.Regular => "a regular file",
        EntryKind.Directory => "a folder",
        EntryKind.SymbolicLink => "a symbolic link",
        EntryKind.Fifo => "a named pipe (FIFO)",
        EntryKind.CharacterDevice => "a character device",
        EntryKind.BlockDevice => "a block device",
        EntryKind.Socket => "a socket",
        _ => "not a regular file",
    };
}

/// <summary>
/// Looks at and opens files that an uploader controls. Anything in incoming is hostile: a name
/// can be a symbolic link (to /etc/shadow), a FIFO (whose open blocks until a writer comes), a
/// device (/dev/zero never ends) or change between two looks. So: lstat(2) first, and open only
/// what it says is a regular file, with O_NOFOLLOW (a link swapped in meanwhile fails with ELOOP)
/// and O_NONBLOCK (a FIFO swapped in meanwhile opens at once instead of hanging the caller), then
/// fstat(2) the open descriptor and insist it is the same regular file. .NET's File APIs follow
/// links and block on FIFOs, so this goes to libc directly; statx(2) is used for both stats because
/// its layout is the same on every architecture, unlike struct stat's.
/// </summary>
public static partial class IncomingEntry
{
    /// <summary>lstat(2) of <paramref name="path"/>; null when nothing has that name.</summary>
    public static EntryInfo? Look(string path)
    {
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, out var st) == 0)
            return ToInfo(st);
        var errno = Marshal.GetLastPInvokeError();
        if (errno is ENOENT or ENOTDIR)
            return null;
        throw new IOException($"cannot look at {path} (errno {errno})");
    }

    /// <summary>
    /// Opens a regular file for reading without following a link and without blocking. Returns
    /// null with <paramref name="problem"/> set when the name is anything but the regular file
    /// <paramref name="expected"/> describes (when given: same inode, so not swapped since).
    /// </summary>
    public static SafeFileHandle? OpenRegular(string path, EntryInfo? expected, out EntryInfo info, out string? problem)
    {
        info = default;
        var name = Path.GetFileName(path);
        var seen = expected ?? Look(path);
        if (seen is null)
        {
            problem = $"{name}: missing (named in the upload but not uploaded)";
            return null;
        }
        if (!seen.Value.IsRegular)
        {
            problem = NotRegular(name, seen.Value.Kind);
            return null;
        }
        var fd = Open(path, ORdOnly | ONoFollow | ONonBlock | OCloExec | ONoCtty);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            problem = errno switch
            {
                ELOOP => NotRegular(name, EntryKind.SymbolicLink),
                ENOENT => $"{name}: removed while it was being taken",
                ENXIO => NotRegular(name, EntryKind.Socket),
                _ => $"{name}: cannot be opened (errno {errno})",
            };
            return null;
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Statx(fd, "", AtEmptyPath, StatxBasicStats, out var st) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            problem = $"{name}: cannot be examined (errno {errno})";
            return null;
        }
        info = ToInfo(st);
        if (!info.IsRegular)
        {
            handle.Dispose();
            problem = NotRegular(name, info.Kind);
            return null;
        }
        if (info.Inode != seen.Value.Inode || info.Device != seen.Value.Device)
        {
            handle.Dispose();
            problem = $"{name}: replaced by another file while it was being taken";
            return null;
        }
        problem = null;
        return handle;
    }

    /// <summary>The reason given for a named file that is not a regular file.</summary>
    public static string NotRegular(string name, EntryKind kind) =>
        $"{name}: is {EntryInfo.Describe(kind)}, not a regular file, so it was not read: upload the file itself";

    /// <summary>Renames without reading or following anything (rename(2) moves the name, even of a FIFO or a link).</summary>
    public static void Move(string from, string to)
    {
        if (Rename(from, to) != 0)
            throw new IOException($"cannot move {from} to {to} (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>
    /// Starts writing back what was written to <paramref name="handle"/> so far, without waiting:
    /// a large copy then never holds gigabytes of dirty pages that an fsync elsewhere (every grain
    /// state write) would wait behind.
    /// </summary>
    public static void StartWriteback(SafeFileHandle handle, long offset, long length) =>
        _ = SyncFileRange((int)handle.DangerousGetHandle(), offset, length, SyncFileRangeWrite);

    /// <summary>Gives the calling thread the lowest CPU priority (nice 19), so it runs only on what other work leaves.</summary>
    public static void LowerThreadPriority() => _ = SetPriority(PrioProcess, GetTid(), 19);

    private static EntryInfo ToInfo(in StatxBuffer st)
    {
        var kind = (st.Mode & SIfMt) switch
        {
            SIfReg => EntryKind.Regular,
            SIfDir => EntryKind.Directory,
            SIfLnk => EntryKind.SymbolicLink,
            SIfIfo => EntryKind.Fifo,
            SIfChr => EntryKind.CharacterDevice,
            SIfBlk => EntryKind.BlockDevice,
            SIfSock => EntryKind.Socket,
            _ => EntryKind.Other,
        };
        var modified = DateTimeOffset.FromUnixTimeSeconds(st.MtimeSeconds).AddTicks(st.MtimeNanoseconds / 100);
        return new EntryInfo(kind, (long)st.Size, modified, st.Inode, ((ulong)st.DevMajor << 32) | st.DevMinor, st.Uid);
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int ORdOnly = 0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int ONoFollow = 0x20000; // x86-64; arm64's O_NOFOLLOW is 0x8000, see below.
    private const int OCloExec = 0x80000;
    private const int ENOENT = 2;
    private const int ENXIO = 6;
    private const int ENOTDIR = 20;
    private const int ELOOP = 40;
    private const int SIfMt = 0xF000, SIfSock = 0xC000, SIfLnk = 0xA000, SIfReg = 0x8000, SIfBlk = 0x6000, SIfDir = 0x4000, SIfChr = 0x2000, SIfIfo = 0x1000;
    private const int PrioProcess = 0;
    private const uint SyncFileRangeWrite = 2;

    // struct statx (linux/stat.h): the same on every architecture. Only the fields read are declared.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(112)] public long MtimeSeconds;
        [FieldOffset(120)] public uint MtimeNanoseconds;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    // O_NOFOLLOW differs between architectures (asm-generic, used by arm64, has 0x8000 with O_DIRECTORY 0x4000).
    private static int Open(string path, int flags)
    {
        if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
            flags = (flags & ~ONoFollow) | 0x8000;
        return OpenNative(path, flags);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string from, string to);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long length, uint flags);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}
