using System.Diagnostics;
using System.Text;
using Autobuilder.BuildRunner;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Logging;
using Renci.SshNet.Common;

namespace Autobuilder.Silo.Execution.Ssh;

/// <summary>
/// Runs builds on a builder host over SSH (SSH.NET) as the slot's user: a fresh folder per attempt
/// under ~/autobuilder/&lt;slot&gt;/, the sources and the build runner copied in with SFTP, the runner
/// started with a command line in which every word is single-quoted (<see cref="ShellQuote"/>),
/// its output streamed into the live log, the runner's files and results copied back, the remote
/// folder removed. Host and connection trouble ends in <see cref="HostUnreachableException"/>.
/// </summary>
public sealed partial class SshBuildExecutor(
    SlotConfig slot,
    DataPaths paths,
    SshConnectionPool pool,
    SshOptions options,
    ILogger<SshBuildExecutor> logger) : IBuildExecutor
{
    private const string RunnerName = BuildRunnerScript.FileName;
    // SSH.NET reads the digits as octal ones: 755 is rwxr-xr-x.
    private const short Executable = 755;
    private readonly SshTarget _target = SshTarget.For(slot);

    public async Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
    {
        var build = assignment.Build;
        var started = DateTimeOffset.UtcNow;
        // Checked before anything is sent: names are plain (no '/', no '..', no leading '-', no
        // control characters). Verification checked them already; the executor must not rely on it.
        var names = build.Files.Append(build.DscFileName).Distinct().ToList();
        foreach (var name in names)
            FileNames.Require(name, build.DscFileName);

        var work = BuildOutput.FreshWorkFolder(paths, slot, assignment);
        var live = new LiveLog(BuildOutput.LiveLogPath(paths, assignment), log);
        SshConnection? connection = null;
        var healthy = false;
        try
        {
            (connection, var reused) = await pool.RentAsync(_target, ct);
            string buildFolder;
            try
            {
                buildFolder = await PrepareAsync(connection, assignment, ct);
            }
            catch (Exception ex) when (reused && SshFailures.IsConnectionFailure(ex))
            {
                // The pooled connection died while idle (host or sshd restarted): one fresh try.
                connection.Dispose();
                connection = null;
                connection = await pool.OpenAsync(_target, ct);
                buildFolder = await PrepareAsync(connection, assignment, ct);
            }
            live.Line($"[autobuilder] building on {_target} in {buildFolder}");

            foreach (var name in names)
            {
                await using var source = File.OpenRead(FileNames.Combine(build.SourceFolder, name, build.DscFileName));
                await connection.Sftp.UploadFileAsync(source, $"{buildFolder}/{name}", ct);
            }
            var runner = $"{buildFolder}/{RunnerName}";
            await using (var script = new MemoryStream(BuildRunnerScript.ReadBytes()))
                await connection.Sftp.UploadFileAsync(script, runner, ct);
            connection.Sftp.ChangePermissions(runner, Executable);

            var command = ShellQuote.AndThen(["cd", "--", buildFolder], ["exec", runner, .. RunnerArguments.For(build, slot)]) + " 2>&1";
            var exitCode = await RunStreamingAsync(connection, command, live, ct);

            foreach (var file in new[] { BuildRunnerFiles.State, BuildRunnerFiles.Log, BuildRunnerFiles.DepWait, BuildRunnerFiles.ResultsList })
                await DownloadIfPresentAsync(connection, $"{buildFolder}/{file}", Path.Combine(work, file), ct);
            var result = BuildRunnerResult.Read(work, exitCode);
            if (result.Files.Count > 0)
            {
                // Names come from the host's results.list; BuildRunnerResult admitted plain names only.
                Directory.CreateDirectory(result.ResultsDirectory);
                foreach (var file in result.Files)
                    await DownloadAsync(connection, $"{buildFolder}/{BuildRunnerFiles.ResultsDirectory}/{file}", result.PathOf(file), ct);
            }
            var published = BuildOutput.Publish(paths, slot, assignment, result, started);
            await ExecuteAsync(connection, ShellQuote.Command(["rm", "-rf", "--", buildFolder]), ct);
            healthy = true;
            return published;
        }
        catch (HostUnreachableException ex)
        {
            live.Line($"[autobuilder] {ex.Message}");
            throw;
        }
        catch (Exception ex) when (SshFailures.IsConnectionFailure(ex))
        {
            var message = $"{_target}: {SshFailures.Describe(ex)}";
            live.Line($"[autobuilder] {message}");
            throw new HostUnreachableException(message, ex);
        }
        finally
        {
            if (connection is not null)
                pool.Return(connection, healthy);
            await live.DisposeAsync();
            BuildOutput.TryDelete(work);
        }
    }

    public async Task<string?> ProbeAsync(CancellationToken ct)
    {
        SshConnection? connection = null;
        var healthy = false;
        try
        {
            (connection, var reused) = await pool.RentAsync(_target, ct);
            try
            {
                await CheckAsync(connection, ct);
            }
            catch (Exception ex) when (reused && SshFailures.IsConnectionFailure(ex))
            {
                // A pooled connection that died while idle says nothing about the host now.
                connection.Dispose();
                connection = null;
                connection = await pool.OpenAsync(_target, ct);
                await CheckAsync(connection, ct);
            }
            healthy = true;
            return null;
        }
        catch (HostUnreachableException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (SshFailures.IsConnectionFailure(ex))
        {
            return $"{_target}: {SshFailures.Describe(ex)}";
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
        finally
        {
            if (connection is not null)
                pool.Return(connection, healthy);
        }
    }

    /// <summary>Both sessions answer: a build needs the command channel and the file channel.</summary>
    private static async Task CheckAsync(SshConnection connection, CancellationToken ct)
    {
        await ExecuteAsync(connection, ShellQuote.Command(["true"]), ct);
        if (!await connection.Sftp.ExistsAsync(connection.Home, ct))
            throw new InvalidOperationException($"{connection.Target}: home folder {connection.Home} is missing");
    }

    /// <summary>
    /// Makes ~/&lt;RemoteFolder&gt;/&lt;slot&gt;/&lt;build&gt;.&lt;attempt&gt;/, first removing what earlier
    /// attempts of this slot left (a lost connection leaves its folder behind). The slot's folder is
    /// its own: another slot, even with the same unix user, has another one.
    /// </summary>
    private async Task<string> PrepareAsync(SshConnection connection, BuildAssignment assignment, CancellationToken ct)
    {
        var slotFolder = $"{connection.Home.TrimEnd('/')}/{PlainName(options.RemoteFolder)}/{PlainName(slot.Key)}";
        var buildFolder = $"{slotFolder}/{PlainName(assignment.Build.Id)}.{assignment.Attempt}";
        await ExecuteAsync(connection, ShellQuote.AndThen(["rm", "-rf", "--", slotFolder], ["mkdir", "-p", "--", buildFolder]), ct);
        return buildFolder;
    }

    /// <summary>
    /// Runs <paramref name="command"/>, copying its output line by line into the live log as it
    /// comes. Output silent for longer than the silence timeout means a dead host or connection.
    /// </summary>
    private async Task<int?> RunStreamingAsync(SshConnection connection, string command, LiveLog live, CancellationToken ct)
    {
        using var cmd = connection.Ssh.CreateCommand(command);
        var lastOutput = Stopwatch.StartNew();
        var execute = cmd.ExecuteAsync(ct);
        // SSH.NET's output pipe reads synchronously only (its async read would ignore cancellation),
        // so a dedicated task pumps it; the loop below watches both it and the silence.
        var pump = Task.Run(() => Pump(cmd.OutputStream, live, lastOutput), CancellationToken.None);
        var silence = TimeSpan.FromSeconds(options.SilenceTimeoutSeconds);
        var tick = TimeSpan.FromSeconds(Math.Clamp(options.SilenceTimeoutSeconds / 10, 0.1, 1));
        while (!execute.IsCompleted)
        {
            await Task.WhenAny(execute, Task.Delay(tick, CancellationToken.None));
            TimeSpan quiet;
            lock (lastOutput)
                quiet = lastOutput.Elapsed;
            if (!execute.IsCompleted && quiet > silence)
            {
                // Dropping the connection is the one sure way to stop waiting on a host that may
                // never answer again; the pooled connection is not returned either way.
                connection.Dispose();
                throw new HostUnreachableException($"{_target}: no output from the build for {options.SilenceTimeoutSeconds:0.#} s; host or connection taken for dead");
            }
        }
        await execute;
        // The command's end closes the pipe; what was still buffered is read before we go on.
        if (await Task.WhenAny(pump, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)) != pump)
            LogOutputNotDrained(logger, _target.ToString());
        return cmd.ExitStatus;
    }

    private static void Pump(Stream output, LiveLog live, Stopwatch lastOutput)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        var line = new StringBuilder();
        try
        {
            int n;
            while ((n = output.Read(bytes, 0, bytes.Length)) > 0)
            {
                lock (lastOutput)
                    lastOutput.Restart();
                var count = decoder.GetChars(bytes, 0, n, chars, 0);
                for (var i = 0; i < count; i++)
                {
                    if (chars[i] == '\n')
                    {
                        live.Line(line.ToString());
                        line.Clear();
                    }
                    else if (chars[i] != '\r')
                    {
                        line.Append(chars[i]);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or SshException)
        {
            // The connection went away; the command's own task reports that.
        }
        if (line.Length > 0)
            live.Line(line.ToString());
    }

    private static async Task ExecuteAsync(SshConnection connection, string command, CancellationToken ct)
    {
        using var cmd = connection.Ssh.CreateCommand(command);
        await cmd.ExecuteAsync(ct);
        if (cmd.ExitStatus != 0)
            throw new InvalidOperationException($"{connection.Target}: '{command}' exited {cmd.ExitStatus?.ToString() ?? cmd.ExitSignal}: {cmd.Error.Trim()}");
    }

    private static async Task DownloadIfPresentAsync(SshConnection connection, string remote, string local, CancellationToken ct)
    {
        try
        {
            await DownloadAsync(connection, remote, local, ct);
        }
        catch (SftpPathNotFoundException)
        {
            // depwait, results.list (and state, if the runner died early) exist only in some outcomes.
            File.Delete(local);
        }
    }

    private static async Task DownloadAsync(SshConnection connection, string remote, string local, CancellationToken ct)
    {
        await using var target = File.Create(local);
        await connection.Sftp.DownloadFileAsync(remote, target, ct);
    }

    /// <summary>
    /// A remote folder name made of the characters Debian file names use; anything else becomes
    /// '_'. The path is quoted anyway: this keeps it readable and free of surprises for SFTP too.
    /// </summary>
    private static string PlainName(string value)
    {
        var chars = value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '~' or '_' or '-' ? c : '_').ToArray();
        var name = new string(chars);
        return name.Length == 0 || name[0] is '.' or '-' || name.Contains("..", StringComparison.Ordinal) ? "_" + name.Replace("..", "__", StringComparison.Ordinal) : name;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Target}: the build's output was still not read 10 s after the command ended; the live log may miss its end")]
    private static partial void LogOutputNotDrained(ILogger logger, string target);
}
