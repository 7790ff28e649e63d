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
        var work = BuildOutput.FreshWorkFolder(paths, slot, assignment);
        try
        {
            // Names were checked at verification; check again, the executor is the last line before a path.
            foreach (var name in build.Files.Append(build.DscFileName).Distinct())
                File.Copy(FileNames.Combine(build.SourceFolder, name, build.DscFileName), FileNames.Combine(work, name, build.DscFileName));

            int exitCode;
            await using (var live = new LiveLog(BuildOutput.LiveLogPath(paths, assignment), log))
                exitCode = await RunRunnerAsync(build, work, live, ct);
            return BuildOutput.Publish(paths, slot, assignment, BuildRunnerResult.Read(work, exitCode), started);
        }
        finally
        {
            BuildOutput.TryDelete(work);
        }
    }

    private async Task<int> RunRunnerAsync(BuildRequest build, string work, LiveLog live, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(runner)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Every value goes in as its own argument: nothing from the upload meets a shell.
        foreach (var arg in RunnerArguments.For(build, slot))
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {runner}");
        process.OutputDataReceived += (_, e) => live.Line(e.Data);
        process.ErrorDataReceived += (_, e) => live.Line(e.Data);
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
}
