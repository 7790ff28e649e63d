using System.Globalization;

namespace Autobuilder.Silo.Tests.Execution;

/// <summary>
/// Finds processes of a build by a marker in their command line: the attack packages sleep for a
/// number of seconds no other process on the machine uses, so "sleep 8612345" is theirs alone.
/// </summary>
public static class BuildProcesses
{
    /// <summary>A sleep argument unique to one test: 86 followed by five random digits.</summary>
    public static string UniqueSleepSeconds() => "86" + Random.Shared.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);

    /// <summary>Live processes (not zombies) whose argv holds <paramref name="argument"/> as a whole word.</summary>
    public static List<string> WithArgument(string argument)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state != 'Z' && argv.Contains(argument))
                    found.Add($"{pid}: {string.Join(' ', argv).Trim()}");
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }
        return found;
    }

    /// <summary>Waits until such a process runs; fails the test naming the argument if none does within <paramref name="timeout"/>.</summary>
    public static async Task StartedAsync(string argument, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (WithArgument(argument).Count == 0)
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"no process with argument {argument} started within {timeout.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for no such process to be left; returns what is left.</summary>
    public static async Task<List<string>> GoneAsync(string argument, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var left = WithArgument(argument);
            if (left.Count == 0 || DateTime.UtcNow > until)
                return left;
            await Task.Delay(100);
        }
    }
}
