using System.Diagnostics;
using System.Text;

namespace Autobuilder.Testing;

public sealed record ToolResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Throws with the command, exit code and stderr unless the tool exited 0.</summary>
    public ToolResult Ok()
    {
        if (ExitCode != 0)
            throw new InvalidOperationException($"'{Command}' exited {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        return this;
    }
}

/// <summary>Runs a real tool (dpkg-source, apt-ftparchive, gpg …) with an argument list, never through a shell.</summary>
public static class Tool
{
    public static ToolResult Run(string file, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string>? environment = null, string? stdin = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
                psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', args)}' did not finish in time");
        }
        p.WaitForExit();
        return new ToolResult($"{file} {string.Join(' ', args)}", p.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static ToolResult Run(string file, params string[] args) => Run(file, (IEnumerable<string>)args);

    /// <summary>Raw stdout bytes (for tools whose output is binary or must be compared exactly).</summary>
    public static byte[] RunBytes(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' exited {p.ExitCode}: {errTask.Result}");
        return ms.ToArray();
    }
}
