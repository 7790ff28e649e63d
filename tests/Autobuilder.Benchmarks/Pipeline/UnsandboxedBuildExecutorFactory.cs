using System.Diagnostics;
using Autobuilder.BuildRunner;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Execution;

namespace Autobuilder.Benchmarks.Pipeline;

/// <summary>
/// The local build start as it was before issue 10 — the runner run directly as the silo's own
/// user, with the silo's environment, in work/ under the data root — kept only here, so the
/// pipeline benchmark can time "before" and "after" the sandbox in one run. Never used by the product.
/// </summary>
internal sealed class UnsandboxedBuildExecutorFactory(DataPaths paths, string? runner = null) : IBuildExecutorFactory
{
    private readonly string _runner = runner ?? BuildRunnerScript.Locate() ?? throw new InvalidOperationException("ab-build-runner not found");

    public IBuildExecutor Create(SlotConfig slot) => new Executor(slot, paths, _runner);

    private sealed class Executor(SlotConfig slot, DataPaths paths, string runner) : IBuildExecutor
    {
        public async Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
        {
            var build = assignment.Build;
            var started = DateTimeOffset.UtcNow;
            var work = BuildOutput.FreshWorkFolder(paths, slot, assignment);
            try
            {
                foreach (var name in build.Files.Append(build.DscFileName).Distinct())
                    File.Copy(FileNames.Combine(build.SourceFolder, name, build.DscFileName), FileNames.Combine(work, name, build.DscFileName));
                var psi = new ProcessStartInfo(runner) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var arg in RunnerArguments.For(build, slot))
                    psi.ArgumentList.Add(arg);
                int exitCode;
                await using (var live = new LiveLog(BuildOutput.LiveLogPath(paths, assignment), log))
                {
                    using var process = Process.Start(psi)!;
                    process.OutputDataReceived += (_, e) => live.Line(e.Data);
                    process.ErrorDataReceived += (_, e) => live.Line(e.Data);
                    process.BeginOutputReadLine();
                    process.BeginErrorReadLine();
                    await process.WaitForExitAsync(ct);
                    process.WaitForExit();
                    exitCode = process.ExitCode;
                }
                return BuildOutput.Publish(paths, slot, assignment, BuildRunnerResult.Read(work, exitCode), started);
            }
            finally
            {
                BuildOutput.TryDelete(work);
            }
        }
    }
}
