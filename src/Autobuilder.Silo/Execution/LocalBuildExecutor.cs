using System.Diagnostics;
using System.Formats.Tar;
using Autobuilder.BuildRunner;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.BuildSources;
using Autobuilder.Silo.Execution.Sandbox;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// Runs builds on this machine. Host mode: as the slot's own unix user through
/// <see cref="BuildSandbox"/>, in a folder of that user under the build root (outside the data
/// root, which the build cannot read), the sources and the runner sent in as a tar stream, the log
/// kept live under logs/, the results copied to results/ in one rename once the folder is checked.
/// Chroot mode: sbuild's own isolation (the package builds as a subordinate id, in a throwaway root,
/// in a network namespace of sbuild's), started from work/ with a clean environment. Either way the
/// build leads a session of its own, so a timeout, a log limit or a cancel kills every process of it.
/// </summary>
public sealed partial class LocalBuildExecutor(SlotConfig slot, DataPaths paths, string runner, BuildSandbox sandbox, BuildLimitsOptions? limitOptions = null,
    BuildSourceLocator? buildSources = null)
    : IBuildExecutor
{
    public Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct) =>
        slot.Mode == SlotConfig.ChrootMode ? RunChrootAsync(assignment, log, ct) : RunSandboxedAsync(assignment, log, ct);

    /// <summary>Host mode: the probe is the real user switch, so a slot that cannot build is Offline with the reason before a build is given to it.</summary>
    public Task<string?> ProbeAsync(CancellationToken ct) =>
        slot.Mode == SlotConfig.ChrootMode ? Task.FromResult<string?>(null) : sandbox.CheckAsync(slot, ct);

    private async Task<BuildResult> RunSandboxedAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
    {
        var build = assignment.Build;
        var started = DateTimeOffset.UtcNow;
        var limits = ExecutionLimits.For(build, limitOptions);
        var account = sandbox.AccountOf(slot);
        sandbox.PrepareSlotFolder(account);
        var work = Path.Combine(sandbox.SlotFolder(account), $"{BuildOutput.Safe(build.Id)}.{assignment.Attempt}");
        List<string> args = ["--run", work];
        if (slot.Network)
            args.Add("--network");
        if (Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH") is { Length: > 0 } epoch && epoch.All(char.IsAsciiDigit))
            args.AddRange(["--source-date-epoch", epoch]);
        args.Add("--");
        args.AddRange(RunnerArguments.For(build, slot));
        args.AddRange(limits.RunnerArguments());
        try
        {
            int? exitCode;
            BuildStop? stopped;
            var livePath = BuildOutput.LiveLogPath(paths, assignment);
            await using (var live = limits.OpenLiveLog(livePath, log))
            {
                using var process = Process.Start(InOwnSession(sandbox.StartInfo(account, args)))
                    ?? throw new InvalidOperationException("cannot start the build sandbox");
                var feeding = FeedAsync(process, stdin => WriteInputsAsync(build, stdin, ct));
                (exitCode, stopped) = await SuperviseAsync(process, live, limits, ct);
                await feeding;
            }
            if (exitCode == BuildSandboxScript.SetupFailed || (stopped is null && !Directory.Exists(work)))
            {
                // The runner never ran: the switch to the slot's user or the sandbox failed. Not the
                // package's fault: the slot goes Offline with the reason, the build goes elsewhere.
                throw new HostUnreachableException(sandbox.CannotStart(account, LastLines(livePath, 5)));
            }
            if (Directory.Exists(work) && LeftFiles.Problem(work, account.Uid) is { } problem)
                return Refuse(assignment, problem, started);
            return BuildOutput.Publish(paths, slot, assignment, BuildRunnerResult.Read(work, exitCode), started, stopped);
        }
        finally
        {
            await sandbox.CleanAsync(account, work);
        }
    }

    /// <summary>
    /// The build's inputs as one tar stream on the sandbox's stdin: the .dsc, the files it names and
    /// the runner, as plain names with fixed modes. The slot's user cannot read the data root, and a
    /// silo that is not root cannot write into the slot's folder: the stream needs neither.
    /// </summary>
    private async Task WriteInputsAsync(BuildRequest build, Stream stdin, CancellationToken ct)
    {
        const UnixFileMode data = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode program = data | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        await using (var tar = new TarWriter(stdin, TarEntryFormat.Ustar, leaveOpen: true))
        {
            // Names were checked at verification; check again, the executor is the last line before a path.
            foreach (var name in build.Files.Append(build.DscFileName).Distinct())
                await AddAsync(tar, FileNames.Combine(build.SourceFolder, name, build.DscFileName), name, data, ct);
            await AddAsync(tar, runner, BuildRunnerScript.FileName, program, ct);
        }
        await stdin.FlushAsync(ct);
    }

    private static async Task AddAsync(TarWriter tar, string path, string name, UnixFileMode mode, CancellationToken ct)
    {
        await using var content = File.OpenRead(path);
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = content, Mode = mode, ModificationTime = File.GetLastWriteTimeUtc(path) };
        await tar.WriteEntryAsync(entry, ct);
    }

    /// <summary>
    /// A build whose folder holds a link, FIFO or device where the runner's files belong: nothing of
    /// it is read. Its result is a build failure with the reason, and the log is the one the silo
    /// took from the build's output (the live log), never a file of the build's folder.
    /// </summary>
    private BuildResult Refuse(BuildAssignment assignment, string problem, DateTimeOffset started)
    {
        var folder = BuildOutput.FreshWorkFolder(paths, slot, assignment);
        try
        {
            var reason = $"refused: {problem}";
            var log = BuildOutput.LiveLogPath(paths, assignment);
            File.WriteAllText(Path.Combine(folder, BuildRunnerFiles.Log),
                (File.Exists(log) ? File.ReadAllText(log) : "") + $"[{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}] {reason}\n");
            File.WriteAllText(Path.Combine(folder, BuildRunnerFiles.State),
                $"state=done\noutcome={BuildRunnerFiles.OutcomeWord(BuildOutcome.BuildFailed)}\nreason={reason}\n");
            return BuildOutput.Publish(paths, slot, assignment, BuildRunnerResult.Read(folder, BuildRunnerExitCodes.BuildFailed), started);
        }
        finally
        {
            BuildOutput.TryDelete(folder);
        }
    }

    /// <summary>Chroot mode, as before issue 10 apart from the environment: sbuild keeps the package away from the silo.</summary>
    private async Task<BuildResult> RunChrootAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
    {
        var build = assignment.Build;
        var started = DateTimeOffset.UtcNow;
        var limits = ExecutionLimits.For(build, limitOptions);
        var work = BuildOutput.FreshWorkFolder(paths, slot, assignment);
        try
        {
            foreach (var name in build.Files.Append(build.DscFileName).Distinct())
                File.Copy(FileNames.Combine(build.SourceFolder, name, build.DscFileName), FileNames.Combine(work, name, build.DscFileName));
            var (extra, notes) = ExtraRepositoryArguments(build, work);

            int? exitCode;
            BuildStop? stopped;
            await using (var live = limits.OpenLiveLog(BuildOutput.LiveLogPath(paths, assignment), log))
            {
                foreach (var note in notes)
                    live.Note(note);
                (exitCode, stopped) = await RunRunnerAsync(build, work, live, limits, ct, extra);
            }
            return BuildOutput.Publish(paths, slot, assignment, BuildRunnerResult.Read(work, exitCode), started, stopped);
        }
        finally
        {
            BuildOutput.TryDelete(work);
        }
    }

    private async Task<(int? ExitCode, BuildStop? Stopped)> RunRunnerAsync(BuildRequest build, string work, LiveLog live, ExecutionLimits limits,
        CancellationToken ct, IReadOnlyList<string>? extra = null)
    {
        var psi = RunnerStartInfo(build, work, limits, extra ?? []);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {runner}");
        return await SuperviseAsync(process, live, limits, ct);
    }

    /// <summary>
    /// How the runner is started: through setsid(1), so that it leads a new session whose id is its
    /// pid (a child of ours is no process group leader, so setsid execs in place rather than forking).
    /// </summary>
    private ProcessStartInfo RunnerStartInfo(BuildRequest build, string work, ExecutionLimits limits, IReadOnlyList<string> extra)
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
        foreach (var arg in RunnerArguments.For(build, slot).Concat(extra).Concat(limits.RunnerArguments()))
            psi.ArgumentList.Add(arg);
        // Nothing of the silo's environment (connection strings, secrets) reaches sbuild; it
        // needs its PATH, its HOME (~/.sbuildrc, caches) and who it is.
        var keep = new[] { "PATH", "HOME", "USER", "LOGNAME", "SOURCE_DATE_EPOCH" }
            .Select(k => (k, v: Environment.GetEnvironmentVariable(k))).Where(p => p.v is not null).ToList();
        psi.Environment.Clear();
        foreach (var (k, v) in keep)
            psi.Environment[k] = v;
        psi.Environment["LANG"] = "C.UTF-8";
        return psi;
    }

    /// <summary>
    /// <paramref name="psi"/> started through setsid(1), so that the build leads a new session whose
    /// id is its pid (a child of ours is no process group leader, so setsid execs in place). Through
    /// setpriv (a root silo) the session reaches the sandbox and every build process in it.
    /// </summary>
    private static ProcessStartInfo InOwnSession(ProcessStartInfo psi)
    {
        var wrapped = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = psi.WorkingDirectory,
            RedirectStandardInput = psi.RedirectStandardInput,
            RedirectStandardOutput = psi.RedirectStandardOutput,
            RedirectStandardError = psi.RedirectStandardError,
            UseShellExecute = false,
        };
        wrapped.ArgumentList.Add(psi.FileName);
        foreach (var arg in psi.ArgumentList)
            wrapped.ArgumentList.Add(arg);
        wrapped.Environment.Clear();
        foreach (var (k, v) in psi.Environment)
            wrapped.Environment[k] = v;
        return wrapped;
    }

    /// <summary>Writes the build's inputs to its stdin and closes it; a sandbox that refused to start stops reading, its exit code says why.</summary>
    private static async Task FeedAsync(Process process, Func<Stream, Task> input)
    {
        try
        {
            await input(process.StandardInput.BaseStream);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The last lines of a live log: what the sandbox said when it could not start.</summary>
    private static string LastLines(string path, int count)
    {
        try
        {
            return string.Join("\n", File.ReadLines(path).TakeLast(count));
        }
        catch (IOException)
        {
            return "";
        }
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
