namespace Autobuilder.Silo.Hosting;

/// <summary>A process as an operator would recognise it in a message: its command line from /proc.</summary>
public static class ProcessDescription
{
    public static string Of(int pid)
    {
        try
        {
            // Arguments are separated by NULs; a process may also have rewritten them.
            var words = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var line = string.Join(' ', words);
            return line.Length > 200 ? line[..200] + "…" : line.Length > 0 ? line : "?";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "command line not readable";
        }
    }
}
