using System.Diagnostics;
using Autobuilder.BuildRunner;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// Runs builds on this machine: a fresh folder per attempt under work/, the build runner in it,
/// the log kept live under logs/, the results copied to results/ in one rename. The runner leads a
/// session of its own, so a timeout, a log limit or a cancel kills every process of the build.
/// </summary>
public sealed class LocalBuildExecutor(SlotConfig slot, DataPaths paths, string runner, BuildLimitsOptions? limitOptions = null) : IBuildExecutor
{
    public async Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
    {
        var build = assignment.Build;
        var started = DateTimeOffset.UtcNow;
        var limits = ExecutionLimits.For(build, limitOptions);
        var work = BuildOutput.FreshWorkFolder(paths, slot, assignment);
        try
        {
            // Names were checked at verification; check again, the executor is the last line before a path.
            foreach (var name in build.Files.Append(build.DscFileName).Distinct())
                File.Copy(FileNames.Combine(build.SourceFolder, name, build.DscFileName), FileNames.Combine(work, name, build.DscFileName));

            int? exitCode;
            BuildStop? stopped;
            await using (var live = limits.OpenLiveLog(BuildOutput.LiveLogPath(paths, assignment), log))
                (exitCode, stopped) = await RunRunnerAsync(build, work, live, limits, ct);
            return BuildOutput.Publish(paths, slot, assignment, BuildRunnerResult.Read(work, exitCode), started, stopped);
        }
        finally
        {
            BuildOutput.TryDelete(work);
        }
    }

    private async Task<(int? ExitCode, BuildStop? Stopped)> RunRunnerAsync(BuildRequest build, string work, LiveLog live, ExecutionLimits limits,
        CancellationToken ct)
    {
        var psi = RunnerStartInfo(build, work, limits);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {runner}");
        return await SuperviseAsync(process, live, limits, ct);
    }

    /// <summary>
    /// How the runner is started: through setsid(1), so that it leads a new session whose id is its
    /// pid (a child of ours is no process group leader, so setsid execs in place rather than forking).
    /// </summary>
    private ProcessStartInfo RunnerStartInfo(BuildRequest build, string work, ExecutionLimits limits)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(runner);
        // Every value goes in as its own argument: nothing from the upload meets a shell.
        foreach (var arg in RunnerArguments.For(build, slot).Concat(limits.RunnerArguments()))
            psi.ArgumentList.Add(arg);
        return psi;
    }

    /// <summary>
    /// Pumps the output into the live log (lines cut at the limit) and waits for the runner, up to
    /// the deadline, the log limit or the cancel; then stops the whole session. Whatever the build
    /// left running once the runner is gone is killed too. Returns the exit code (null when the
    /// runner had to be killed) and why the executor stopped the build, if it did.
    /// </summary>
    private static async Task<(int? ExitCode, BuildStop? Stopped)> SuperviseAsync(Process process, LiveLog live, ExecutionLimits limits,
        CancellationToken ct)
    {
        var session = process.Id;
        var pumps = new[]
        {
            Task.Run(() => LogPump.Pump(process.StandardOutput.BaseStream, live, limits.MaxLineChars), CancellationToken.None),
            Task.Run(() => LogPump.Pump(process.StandardError.BaseStream, live, limits.MaxLineChars), CancellationToken.None),
        };
        BuildStop? stopped = null;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, live.Stopped))
        {
            stop.CancelAfter(limits.Deadline);
            try
            {
                await process.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                stopped = ct.IsCancellationRequested ? BuildStop.Cancelled : live.StopReason ?? BuildStop.TimedOut(limits.Timeout);
                live.Note($"[autobuilder] {stopped.Reason}: stopping every process of the build");
                await StopSessionAsync(process, session, limits.KillGrace);
            }
        }
        // The runner is gone; what the build started in the background must not outlive it (nor
        // hold the output pipes open).
        await KillLeftoversAsync(session);
        var drained = Task.WhenAll(pumps);
        if (await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)) != drained)
            live.Note("[autobuilder] the build's output was still open 10 s after it ended; the log may miss its end");
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            return (null, stopped ?? BuildStop.TimedOut(limits.Timeout));
        return (stopped is null ? process.ExitCode : null, stopped);
    }

    private static async Task StopSessionAsync(Process process, int session, TimeSpan grace)
    {
        if (ProcessSession.SessionOf(session) == session)
        {
            await ProcessSession.StopAsync(session, grace);
        }
        else
        {
            // Not a session leader (setsid forked after all): the process tree is what we can reach.
            process.Kill(entireProcessTree: true);
        }
    }

    private static async Task KillLeftoversAsync(int session)
    {
        try
        {
            // The session's id stays taken while any member lives; members left are the build's.
            if (ProcessSession.Members(session).Count > 0)
                await ProcessSession.KillAsync(session);
        }
        catch (InvalidOperationException)
        {
            // The runner never got a session of its own: nothing of ours to sweep.
        }
    }
}
