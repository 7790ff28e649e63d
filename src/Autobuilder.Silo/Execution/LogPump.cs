using System.Text;
using Renci.SshNet.Common;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// Copies a build's raw output into the live log line by line, holding the line length limit: a
/// line longer than the limit is cut there with a marker and the rest of it is read and dropped,
/// so a build that prints gigabytes without a newline never becomes one string in memory (the
/// line readers of Process and StreamReader keep a whole line).
/// </summary>
public static class LogPump
{
    public static string CutMarker(int maxLineChars) => $" [autobuilder: line cut at {maxLineChars} characters]";

    /// <summary>Reads <paramref name="output"/> to its end (synchronously: SSH.NET's pipe has no real async read).</summary>
    /// <param name="onData">Called on every read, e.g. to note that the build is not silent.</param>
    /// <param name="intercept">Sees each whole line first; a line it returns true for is not logged.</param>
    public static void Pump(Stream output, LiveLog live, int maxLineChars, Action? onData = null, Func<string, bool>? intercept = null)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        var line = new StringBuilder();
        var cutting = false;
        try
        {
            int n;
            while ((n = output.Read(bytes, 0, bytes.Length)) > 0)
            {
                onData?.Invoke();
                var count = decoder.GetChars(bytes, 0, n, chars, 0);
                for (var i = 0; i < count; i++)
                {
                    var c = chars[i];
                    if (c == '\n')
                    {
                        if (!cutting)
                            Emit(line.ToString(), live, intercept);
                        line.Clear();
                        cutting = false;
                    }
                    else if (cutting || c == '\r')
                    {
                        // The rest of a cut line, or the CR of a CRLF: dropped.
                    }
                    else if (line.Length >= maxLineChars)
                    {
                        Emit(line.Append(CutMarker(maxLineChars)).ToString(), live, intercept: null);
                        line.Clear();
                        cutting = true;
                    }
                    else
                    {
                        line.Append(c);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or SshException)
        {
            // The pipe or the connection went away; whoever waits on the build reports that.
        }
        if (line.Length > 0 && !cutting)
            Emit(line.ToString(), live, intercept);
    }

    private static void Emit(string line, LiveLog live, Func<string, bool>? intercept)
    {
        if (intercept?.Invoke(line) == true)
            return;
        live.Line(line);
    }
}
