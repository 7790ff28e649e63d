using System.Diagnostics;
using Autobuilder.BuildRunner;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// Runs builds on this machine: a fresh folder per attempt under work/, the build runner in it,
/// the log kept live under logs/, the results copied to results/ in one rename.
/// </summary>
public sealed class LocalBuildExecutor(SlotConfig slot, DataPaths paths, string runner) : IBuildExecutor
{
    public async Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
    {
        var build = assignment.Build;
        var started = DateTimeOffset.UtcNow;
        var work = Path.Combine(paths.Work, Safe(slot.Key), $"{Safe(build.Id)}.{assignment.Attempt}");
        if (Directory.Exists(work))
            Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);

        var logPath = Path.Combine(paths.Logs, DataPaths.IdPath(build.UploadId), $"{build.Architecture}.{assignment.Attempt}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        try
        {
            // Names were checked at verification; check again, the executor is the last line before a path.
            foreach (var name in build.Files.Append(build.DscFileName).Distinct())
                File.Copy(FileNames.Combine(build.SourceFolder, name, build.DscFileName), FileNames.Combine(work, name, build.DscFileName));

            var exitCode = await RunRunnerAsync(build, work, logPath, log, ct);
            var result = BuildRunnerResult.Read(work, exitCode);
            var resultsFolder = paths.ResultsFor(build.Product, build.UploadId, build.Architecture);
            PublishResults(result, work, resultsFolder);
            var summary = result.Reason ?? BuildRunnerFiles.OutcomeWord(result.Outcome);
            return new BuildResult(build.Id, assignment.Attempt, slot.Key, result.Outcome, summary, result.MissingBuildDependencies,
                resultsFolder, Path.Combine(resultsFolder, BuildRunnerFiles.Log), result.Files, started, DateTimeOffset.UtcNow);
        }
        finally
        {
            TryDelete(work);
        }
    }

    private async Task<int> RunRunnerAsync(BuildRequest build, string work, string logPath, Action<string>? log, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(runner)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Every value goes in as its own argument: nothing from the upload meets a shell.
        foreach (var arg in new[]
                 {
                     "--dsc", build.DscFileName, "--arch", build.Architecture, "--mode", "host",
                     "--build-type", build.Type.ToString().ToLowerInvariant(),
                 })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {runner}");
        await using var logFile = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var gate = new object();
        void Line(string? line)
        {
            if (line is null)
                return;
            lock (gate)
            {
                logFile.WriteLine(line);
                log?.Invoke(line);
            }
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Copies log and produced files to results/…/&lt;arch&gt;/ as one rename, replacing an earlier attempt's.</summary>
    private static void PublishResults(BuildRunnerResult result, string work, string resultsFolder)
    {
        var parent = Path.GetDirectoryName(resultsFolder)!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(resultsFolder)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        var log = Path.Combine(work, BuildRunnerFiles.Log);
        if (File.Exists(log))
            File.Copy(log, Path.Combine(temp, BuildRunnerFiles.Log));
        foreach (var file in result.Files)
            File.Copy(result.PathOf(file), Path.Combine(temp, file));
        if (Directory.Exists(resultsFolder))
            Directory.Delete(resultsFolder, recursive: true);
        Directory.Move(temp, resultsFolder);
        Storage.DurableFile.SyncDirectory(parent);
    }

    private static string Safe(string id) => id.Replace('/', '_');

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // An orphaned build process may still write there; the next attempt's folder has another name.
        }
    }
}
