using System.Diagnostics;
using System.Formats.Tar;
using Autobuilder.BuildRunner;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Execution.Sandbox;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// Runs builds on this machine. Host mode: as the slot's own unix user through
/// <see cref="BuildSandbox"/>, in a folder of that user under the build root (outside the data
/// root, which the build cannot read), the sources and the runner sent in as a tar stream, the log
/// kept live under logs/, the results copied to results/ in one rename once the folder is checked.
/// Chroot mode: sbuild's own isolation (the package builds as a subordinate id, in a throwaway root,
/// in a network namespace of sbuild's), started from work/ with a clean environment.
/// </summary>
public sealed class LocalBuildExecutor(SlotConfig slot, DataPaths paths, string runner, BuildSandbox sandbox) : IBuildExecutor
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
        try
        {
            var last = new Queue<string>();
            int exitCode;
            await using (var live = new LiveLog(BuildOutput.LiveLogPath(paths, assignment), log))
            {
                void Line(string? line)
                {
                    live.Line(line);
                    if (line is null)
                        return;
                    lock (last)
                    {
                        last.Enqueue(line);
                        if (last.Count > 5)
                            last.Dequeue();
                    }
                }
                exitCode = await RunProcessAsync(sandbox.StartInfo(account, args), Line, stdin => WriteInputsAsync(build, stdin, ct), ct);
            }
            if (exitCode == BuildSandboxScript.SetupFailed || !Directory.Exists(work))
            {
                // The runner never ran: the switch to the slot's user or the sandbox failed. Not the
                // package's fault: the slot goes Offline with the reason, the build goes elsewhere.
                string said;
                lock (last)
                    said = string.Join("\n", last);
                throw new HostUnreachableException(sandbox.CannotStart(account, said));
            }
            if (LeftFiles.Problem(work, account.Uid) is { } problem)
                return Refuse(assignment, problem, started);
            return BuildOutput.Publish(paths, slot, assignment, BuildRunnerResult.Read(work, exitCode), started);
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
        var work = BuildOutput.FreshWorkFolder(paths, slot, assignment);
        try
        {
            foreach (var name in build.Files.Append(build.DscFileName).Distinct())
                File.Copy(FileNames.Combine(build.SourceFolder, name, build.DscFileName), FileNames.Combine(work, name, build.DscFileName));
            var psi = new ProcessStartInfo(runner)
            {
                WorkingDirectory = work,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Every value goes in as its own argument: nothing from the upload meets a shell.
            foreach (var arg in RunnerArguments.For(build, slot))
                psi.ArgumentList.Add(arg);
            // Nothing of the silo's environment (connection strings, secrets) reaches sbuild; it
            // needs its PATH, its HOME (~/.sbuildrc, caches) and who it is.
            var keep = new[] { "PATH", "HOME", "USER", "LOGNAME", "SOURCE_DATE_EPOCH" }
                .Select(k => (k, v: Environment.GetEnvironmentVariable(k))).Where(p => p.v is not null).ToList();
            psi.Environment.Clear();
            foreach (var (k, v) in keep)
                psi.Environment[k] = v;
            psi.Environment["LANG"] = "C.UTF-8";
            int exitCode;
            await using (var live = new LiveLog(BuildOutput.LiveLogPath(paths, assignment), log))
                exitCode = await RunProcessAsync(psi, live.Line, stdin => Task.CompletedTask, ct);
            return BuildOutput.Publish(paths, slot, assignment, BuildRunnerResult.Read(work, exitCode), started);
        }
        finally
        {
            BuildOutput.TryDelete(work);
        }
    }

    private static async Task<int> RunProcessAsync(ProcessStartInfo psi, Action<string?> line, Func<Stream, Task> input, CancellationToken ct)
    {
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        process.OutputDataReceived += (_, e) => line(e.Data);
        process.ErrorDataReceived += (_, e) => line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            try
            {
                await input(process.StandardInput.BaseStream);
            }
            catch (IOException)
            {
                // The sandbox stopped reading (it refused to start); its exit code and words say why.
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
