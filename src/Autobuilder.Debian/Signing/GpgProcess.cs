using System.ComponentModel;
using System.Diagnostics;

namespace Autobuilder.Debian.Signing;

/// <summary>The exit code and output of one gpg or gpgv run.</summary>
internal sealed record GpgRun(int ExitCode, byte[] Stdout, string Stderr);

/// <summary>
/// Runs gpg or gpgv with an argument list (never through a shell, so no argument is ever
/// re-parsed), feeding stdin and collecting stdout and stderr concurrently so that neither pipe
/// can fill up and stall the tool.
/// </summary>
internal static class GpgProcess
{
    public static GpgRun Run(string executable, IEnumerable<string> args, ReadOnlyMemory<byte>? stdin, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        // Messages are parsed from status lines only, but keep the human text in English for error reports.
        psi.Environment["LC_ALL"] = "C";
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
                psi.Environment[k] = v;
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new SigningException($"could not start {executable}");
        }
        catch (Win32Exception e)
        {
            throw new SigningException($"could not start {executable}: {e.Message} (is gnupg installed?)", e);
        }

        using (process)
        {
            var stdout = new MemoryStream();
            var readOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var readErr = process.StandardError.ReadToEndAsync();
            var writeIn = Task.Run(async () =>
            {
                try
                {
                    if (stdin is { } data)
                        await process.StandardInput.BaseStream.WriteAsync(data);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The tool exited without reading all its input; its exit code tells why.
                }
            });

            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new SigningException($"{executable} did not finish within {timeout.TotalSeconds:0} s");
            }
            process.WaitForExit();
            Task.WaitAll(readOut, readErr, writeIn);
            return new GpgRun(process.ExitCode, stdout.ToArray(), readErr.Result);
        }
    }
}
