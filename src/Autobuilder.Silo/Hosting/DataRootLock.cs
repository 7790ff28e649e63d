using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// One silo per data root: an exclusive flock(2) on <c>silo.lock</c> in the data root, held for the
/// silo's whole life. Two silos on one data root would both take the same incoming files, write the
/// same state files and publish the same generations; the kernel drops the lock when the process
/// ends however it ends (kill -9 included), so a crashed silo never leaves a stale lock behind.
/// </summary>
public sealed partial class DataRootLock : IDisposable
{
    public const string FileName = "silo.lock";

    private const int LockExclusive = 2, LockNonBlocking = 4;
    private const int EWOULDBLOCK = 11;
    private const int ORdOnly = 0, ORdWr = 2, OCreat = 0x40, OCloexec = 0x80000; // Linux x86-64 and arm64

    private readonly FileStream _file;

    private DataRootLock(FileStream file) => _file = file;

    public string Path => _file.Name;

    /// <summary>
    /// Takes the lock or throws <see cref="InvalidOperationException"/> naming the process that holds
    /// it (its pid and command line, as written into the lock file by that process).
    /// </summary>
    public static DataRootLock Acquire(string dataRoot)
    {
        var root = System.IO.Path.GetFullPath(dataRoot);
        Directory.CreateDirectory(root);
        var path = System.IO.Path.Combine(root, FileName);
        // open(2) itself, not FileStream's: .NET takes an flock of its own when it opens by path
        // (emulating FileShare), which would fail against ours before ours could tell who holds it.
        var fd = Open(path, ORdWr | OCreat | OCloexec, 0b110_100_000);
        if (fd < 0)
            throw new InvalidOperationException($"cannot open {path} (errno {Marshal.GetLastPInvokeError()})");
        var file = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.ReadWrite);
        if (Flock(fd, LockExclusive | LockNonBlocking) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            file.Dispose();
            if (errno != EWOULDBLOCK)
                throw new InvalidOperationException($"cannot lock {path} (errno {errno})");
            throw new SiloExclusivityException(
                $"another silo runs on data root {root}: {Holder(path)}; stop it first (one silo per data root)");
        }
        // Who holds it, for the next silo's message: pid and command line on one line.
        file.SetLength(0);
        var self = $"{Environment.ProcessId} {ProcessDescription.Of(Environment.ProcessId)}\n";
        file.Write(Encoding.UTF8.GetBytes(self));
        file.Flush();
        return new DataRootLock(file);
    }

    private static string Holder(string path)
    {
        try
        {
            var fd = Open(path, ORdOnly | OCloexec, 0);
            if (fd < 0)
                return $"its holder could not be read (errno {Marshal.GetLastPInvokeError()})";
            using var reader = new StreamReader(new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read));
            var line = reader.ReadLine()?.Trim();
            if (string.IsNullOrEmpty(line))
                return "a process that has not written its pid yet";
            var space = line.IndexOf(' ');
            return space > 0 && int.TryParse(line[..space], out var pid) ? $"pid {pid} ({line[(space + 1)..]})" : line;
        }
        catch (IOException ex)
        {
            return $"its holder could not be read ({ex.Message})";
        }
    }

    public void Dispose() => _file.Dispose();

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}
