using System.Diagnostics;
using System.Text;

namespace Autobuilder.Silo.Qa;

/// <summary>What a QA tool run gave: exit status, output, and whether it was stopped at the time limit.</summary>
public sealed record QaToolResult(int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    /// <summary>The last line of stderr (or stdout), for a one-line reason.</summary>
    public string Tail => (Stderr.Trim().Length > 0 ? Stderr : Stdout).Trim().Split('\n').LastOrDefault()?.Trim() ?? "";
}

/// <summary>
/// Runs dose-debcheck, lintian and apt-helper for the QA ladder: an argument list (never a shell
/// line), a clean environment with HOME in a folder of the run's own, a time limit after which the
/// whole process tree is killed.
/// </summary>
public static class QaTool
{
    public static Task<QaToolResult> RunAsync(string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout,
        string? stdoutFile = null, CancellationToken cancellationToken = default) =>
        RunCoreAsync(program, arguments, workingDirectory, timeout, stdoutFile, null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync"/>, but each line of stdout goes to <paramref name="onLine"/> as it
    /// comes (the result's Stdout stays empty): a report of thousands of entries is read as it is
    /// written, never held whole.
    /// </summary>
    public static Task<QaToolResult> RunLinesAsync(string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout,
        Action<string> onLine, CancellationToken cancellationToken = default) =>
        RunCoreAsync(program, arguments, workingDirectory, timeout, null, onLine, cancellationToken);

    private static async Task<QaToolResult> RunCoreAsync(string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout,
        string? stdoutFile, Action<string>? onLine, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        psi.Environment["HOME"] = workingDirectory;
        psi.Environment["LANG"] = "C.UTF-8";
        psi.Environment["TMPDIR"] = workingDirectory;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{program} could not be started");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        Task<string> stdout;
        if (stdoutFile is not null)
        {
            stdout = Task.Run(async () =>
            {
                await using (var file = new FileStream(stdoutFile, FileMode.CreateNew, FileAccess.Write))
                    await process.StandardOutput.BaseStream.CopyToAsync(file, cancellationToken);
                return "";
            }, cancellationToken);
        }
        else if (onLine is not null)
        {
            stdout = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
                    onLine(line);
                return "";
            }, cancellationToken);
        }
        else
            stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
            await process.WaitForExitAsync(CancellationToken.None);
            if (!timedOut)
                throw;
        }
        return new QaToolResult(process.ExitCode, await stdout, await stderr, timedOut);
    }

    /// <summary>A fresh folder under the system's temporary folder, removed with the returned handle.</summary>
    public static TempFolder Temp(string prefix) => new(Directory.CreateTempSubdirectory(prefix).FullName);

    public sealed class TempFolder(string path) : IDisposable
    {
        public string Path { get; } = path;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Left for the system's temporary-file clean-up.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    internal static string Words(IEnumerable<string> lines) => new StringBuilder().AppendJoin("; ", lines).ToString();
}
