using System.Globalization;
using System.Runtime.InteropServices;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// Signals every process of a session, as found in /proc. The build runner is started as the
/// leader of its own session (setsid), and everything a build starts stays in it unless it calls
/// setsid itself — also what <c>timeout(1)</c> moves into a process group of its own, and what
/// was orphaned when its parent died. So one session kill reaches what a process-tree kill misses.
/// </summary>
public static partial class ProcessSession
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>The session of a process, or null when it is gone.</summary>
    public static int? SessionOf(int pid)
    {
        var stat = ReadStat(pid);
        return stat?.Session;
    }

    /// <summary>The live processes of session <paramref name="sid"/> (zombies are left to their parents).</summary>
    public static List<int> Members(int sid)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (ReadStat(pid) is { } stat && stat.Session == sid && stat.State != 'Z')
                members.Add(pid);
        }
        return members;
    }

    /// <summary>Sends <paramref name="signal"/> to every member; returns how many there were.</summary>
    public static int Signal(int sid, int signal)
    {
        RefuseOwn(sid);
        var members = Members(sid);
        foreach (var pid in members)
            _ = kill(pid, signal);
        return members.Count;
    }

    /// <summary>
    /// TERM to the whole session, up to <paramref name="grace"/> for it to end, then KILL again and
    /// again (a process may fork while we look) until none is left; false if some survived 10 s of that.
    /// </summary>
    public static async Task<bool> StopAsync(int sid, TimeSpan grace)
    {
        RefuseOwn(sid);
        if (Signal(sid, SigTerm) == 0)
            return true;
        var until = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(100);
            if (Members(sid).Count == 0)
                return true;
        }
        return await KillAsync(sid);
    }

    /// <summary>KILL to the whole session until none is left; false if some survived 10 s of that.</summary>
    public static async Task<bool> KillAsync(int sid)
    {
        RefuseOwn(sid);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Signal(sid, SigKill) > 0)
        {
            if (DateTime.UtcNow > until)
                return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>Our own session would take the silo (and whoever started it) down with the build.</summary>
    private static void RefuseOwn(int sid)
    {
        if (sid <= 1 || sid == SessionOf(Environment.ProcessId))
            throw new InvalidOperationException($"refusing to signal session {sid}: it is not a build's own session");
    }

    private readonly record struct Stat(char State, int Session);

    private static Stat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid pgrp session ...": comm may hold spaces and ')', so read after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
            return null;
        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4 || !int.TryParse(fields[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var session))
            return null;
        return new Stat(fields[0][0], session);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
