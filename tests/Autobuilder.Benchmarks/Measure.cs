using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Autobuilder.Benchmarks;

/// <summary>Runs programs and times them, wall clock, from process start to exit.</summary>
internal static partial class Measure
{
    /// <summary>CPU seconds (user + system) of the last program <see cref="Run"/> ran.</summary>
    public static double LastCpu { get; private set; }

    /// <summary>
    /// Runs <paramref name="file"/> with its stdout sent to <paramref name="stdoutFile"/> (a shell
    /// <c>exec</c> does the redirection, so neither program pays for a pipe to us) and returns the
    /// elapsed seconds. Throws when the program fails.
    /// </summary>
    public static double Run(string stdoutFile, string file, params string[] args)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("out=\"$1\"; shift; exec \"$@\" > \"$out\"");
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(stdoutFile);
        psi.ArgumentList.Add(file);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        var cpuBefore = ChildrenCpu();
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        sw.Stop();
        LastCpu = ChildrenCpu() - cpuBefore;
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return sw.Elapsed.TotalSeconds;
    }

    // getrusage(RUSAGE_CHILDREN): CPU time of every child that has been waited for. Unlike wall
    // time it does not grow when other work shares the machine, so both are reported.
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec, UserUsec, SysSec, SysUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRUsage(int who, out RUsage usage);

    /// <summary>CPU seconds (user + system) of every child process this process has waited for so far.</summary>
    internal static double ChildrenCpu()
    {
        GetRUsage(-1, out var u);
        return u.UserSec + u.SysSec + (u.UserUsec + u.SysUsec) / 1e6;
    }

    /// <summary>CPU seconds of this process (every thread) and of its waited-for children (gpg, for an in-process silo).</summary>
    public static double ProcessCpu()
    {
        GetRUsage(0, out var self);
        return self.UserSec + self.SysSec + (self.UserUsec + self.SysUsec) / 1e6 + ChildrenCpu();
    }

    /// <summary>
    /// Wall and CPU seconds of the fastest of <paramref name="runs"/> runs. The machine is shared:
    /// other work only ever adds time, so the fastest run is the best estimate of each tool's own
    /// cost, and both tools are treated alike.
    /// </summary>
    public static (double Wall, double Cpu) BestRun(int runs, Func<double> body) =>
        Enumerable.Range(0, runs).Select(_ => (Wall: body(), Cpu: LastCpu)).MinBy(t => t.Wall);

    /// <summary>
    /// Waits (up to <paramref name="maxWait"/>) until the machine is nearly idle, since other work
    /// sharing the 2 cores distorts wall times. Returns the idle share seen last (0–1).
    /// </summary>
    public static double WaitForQuiet(TimeSpan maxWait, double idleWanted = 0.9)
    {
        var sw = Stopwatch.StartNew();
        double idle;
        do
        {
            var (busy0, total0) = CpuTicks();
            Thread.Sleep(1000);
            var (busy1, total1) = CpuTicks();
            idle = 1 - (double)(busy1 - busy0) / Math.Max(1, total1 - total0);
        }
        while (idle < idleWanted && sw.Elapsed < maxWait);
        return idle;
    }

    // /proc/stat "cpu" line: user nice system idle iowait irq softirq steal …
    private static (long Busy, long Total) CpuTicks()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var total = f.Take(8).Sum();
        return (total - f[3] - f[4], total);
    }

    /// <summary>The fastest of <paramref name="runs"/> timings of <paramref name="body"/> (see <see cref="BestRun"/>).</summary>
    public static double Best(int runs, Func<double> body) => Enumerable.Range(0, runs).Select(_ => body()).Min();

    public static string Capture(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
