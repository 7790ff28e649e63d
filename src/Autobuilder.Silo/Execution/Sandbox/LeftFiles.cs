using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Autobuilder.BuildRunner;

namespace Autobuilder.Silo.Execution.Sandbox;

/// <summary>
/// Checks what a sandboxed build left in its folder before the silo reads any of it. The folder
/// belongs to the slot's user, so the package could have put a symbolic link (to the signing key,
/// to /etc/shadow), a FIFO (a read that never returns) or a device where the runner's files belong;
/// the silo, which may read what the build cannot, must not follow them. When the check runs, every
/// process of the build is gone (the sandbox's PID namespace ends with the runner) and no other
/// account can write in the slot folder, so what is checked here is what is read next.
/// </summary>
public static partial class LeftFiles
{
    private static readonly string[] RunnerFiles =
        [BuildRunnerFiles.State, BuildRunnerFiles.Log, BuildRunnerFiles.DepWait, BuildRunnerFiles.ResultsList];

    /// <summary>Null when the folder may be read, else why not, naming the file, for the build's log and reason.</summary>
    public static string? Problem(string folder, uint owner)
    {
        var top = Stat(folder);
        if (top is null)
            return null; // nothing left at all: the runner never ran (reported by the caller)
        if (top.Value.Type != FileKind.Directory || top.Value.Uid != owner)
            return $"the build folder {folder} was replaced (now {Describe(top.Value.Type)})";
        foreach (var name in RunnerFiles)
        {
            if (Stat(Path.Combine(folder, name)) is { } s && s.Type != FileKind.Regular)
                return $"the build left {name} as {Describe(s.Type)}, not a regular file";
        }
        var results = Path.Combine(folder, BuildRunnerFiles.ResultsDirectory);
        if (Stat(results) is not { } r)
            return null;
        if (r.Type != FileKind.Directory)
            return $"the build left {BuildRunnerFiles.ResultsDirectory} as {Describe(r.Type)}, not a folder";
        foreach (var entry in Directory.EnumerateFileSystemEntries(results))
        {
            if (Stat(entry) is { } s && s.Type != FileKind.Regular)
                return $"the build left {BuildRunnerFiles.ResultsDirectory}/{Path.GetFileName(entry)} as {Describe(s.Type)}, not a regular file";
        }
        return null;
    }

    private enum FileKind { Regular, Directory, SymbolicLink, Other }

    private readonly record struct FileStat(FileKind Type, uint Uid);

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Directory => "a folder",
        FileKind.Regular => "a regular file",
        _ => "a FIFO, socket or device",
    };

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ENOENT = 2;

    /// <summary>lstat through statx(2), whose layout is the same on every architecture; null when the name does not exist.</summary>
    private static FileStat? Stat(string path)
    {
        var buffer = new byte[256];
        if (StatX(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ENOENT)
                return null;
            throw new IOException($"cannot examine {path} (errno {errno})");
        }
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20));
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28)) & 0xF000;
        var kind = mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Other,
        };
        return new FileStat(kind, uid);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX(int dirFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
