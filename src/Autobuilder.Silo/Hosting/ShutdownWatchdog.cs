using System.Runtime.InteropServices;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// A stop that cannot hang. The host waits for every service's stop up to its timeout, but a thread
/// stuck in a system call (an open(2) of a FIFO, a read of a dead NFS server) keeps the process
/// alive past it, and an operator's SIGTERM then seems ignored for good. Armed when stopping
/// begins, the watchdog ends the process with <see cref="ExitCode"/> once the bound has passed.
/// </summary>
public static partial class ShutdownWatchdog
{
    /// <summary>EX_SOFTWARE: the stop did not complete; unit files restart on it like on a crash.</summary>
    public const int ExitCode = 70;

    private static int _armed;

    public static void Arm(TimeSpan bound)
    {
        if (Interlocked.Exchange(ref _armed, 1) == 1)
            return;
        var thread = new Thread(() =>
        {
            Thread.Sleep(bound);
            Console.Error.WriteLine($"autobuilder-silo: error: the silo did not stop within {bound.TotalSeconds:0} s; exiting now");
            Console.Error.Flush();
            // _exit(2): no finalizers, no exit handlers, nothing that could wait in turn.
            Exit(ExitCode);
        })
        {
            IsBackground = true,
            Name = "shutdown watchdog",
        };
        thread.Start();
    }

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void Exit(int status);
}
