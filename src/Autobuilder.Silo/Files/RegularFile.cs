using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Autobuilder.Silo.Files;

/// <summary>
/// Opens files that package code could have left behind (a build's results, a queue fed by builds)
/// only when they are regular files, without following a symbolic link and without blocking on a
/// FIFO or device: the kind is read with statx(2) on the name (AT_SYMLINK_NOFOLLOW), the file opened
/// with O_NOFOLLOW | O_NONBLOCK, and the open descriptor checked again to be the same regular file,
/// so a name swapped between the two steps is refused too.
/// </summary>
public static partial class RegularFile
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1, StatxIno = 0x100, StatxSize = 0x200;
    private const int ORdOnly = 0, ONonBlock = 0x800, OCloExec = 0x80000;
    // O_NOFOLLOW differs between the Linux ABIs: 0400000 on x86-64, 0100000 on arm64 (asm-generic).
    private static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 0x20000 : 0x8000;
    private const int ELoop = 40, ENoEnt = 2;

    private const ushort TypeMask = 0xF000, Regular = 0x8000, Folder = 0x4000, Link = 0xA000, Fifo = 0x1000,
        Socket = 0xC000, CharDevice = 0x2000, BlockDevice = 0x6000;

    /// <summary>Whether anything (a symbolic link included, dangling or not) has this name.</summary>
    public static bool Exists(string path) => Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, out _) == 0;

    /// <summary>Why <paramref name="path"/> is not a regular file that may be read, or null when it is one.</summary>
    public static string? Problem(string path) => Examine(path, out _);

    private static string? Examine(string path, out StatxBuffer st)
    {
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxIno, out st) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == ENoEnt ? "does not exist" : $"cannot be examined (errno {errno})";
        }
        return Describe(st.Mode);
    }

    /// <summary>
    /// Opens a regular file for reading; anything else (a symbolic link, a FIFO, a device, a socket,
    /// a folder) is an <see cref="IOException"/> whose message says what it is, and nothing is read.
    /// </summary>
    public static FileStream OpenRead(string path)
    {
        if (Examine(path, out var before) is { } problem)
            throw new IOException($"{path} {problem}");
        var fd = Open(path, ORdOnly | ONoFollow | ONonBlock | OCloExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno == ELoop ? $"{path} is a symbolic link, not a regular file" : $"cannot open {path} (errno {errno})");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Statx(fd, "", AtEmptyPath, StatxType | StatxIno | StatxSize, out var st) != 0)
                throw new IOException($"cannot examine {path} (errno {Marshal.GetLastPInvokeError()})");
            if (Describe(st.Mode) is { } now)
                throw new IOException($"{path} {now}");
            if (st.Inode != before.Inode || st.DeviceMajor != before.DeviceMajor || st.DeviceMinor != before.DeviceMinor)
                throw new IOException($"{path} was replaced while it was being opened");
            return new FileStream(handle, FileAccess.Read, bufferSize: 64 * 1024);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads a whole regular file (see <see cref="OpenRead"/>), refusing one larger than <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var stream = OpenRead(path);
        if (stream.Length > maxBytes)
            throw new IOException($"{path} is {stream.Length} bytes, more than the {maxBytes} accepted");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static string? Describe(ushort mode) => (mode & TypeMask) switch
    {
        Regular => null,
        Link => "is a symbolic link, not a regular file",
        Folder => "is a folder, not a regular file",
        Fifo => "is a FIFO (named pipe), not a regular file",
        Socket => "is a socket, not a regular file",
        CharDevice or BlockDevice => "is a device, not a regular file",
        _ => "is not a regular file",
    };

    // struct statx (linux/stat.h) has the same layout on every architecture; only stx_mode is read.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);
}
