using System.Diagnostics;
using System.Text;
using Autobuilder.BuildRunner;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.BuildSources;
using Microsoft.Extensions.Logging;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Autobuilder.Silo.Execution.Ssh;

/// <summary>
/// Runs builds on a builder host over SSH (SSH.NET) as the slot's user: a fresh folder per attempt
/// under ~/autobuilder/&lt;slot&gt;/, the sources and the build runner copied in with SFTP, the runner
/// started with a command line in which every word is single-quoted (<see cref="ShellQuote"/>),
/// its output streamed into the live log, the runner's files and results copied back, the remote
/// folder removed. Host and connection trouble ends in <see cref="HostUnreachableException"/>.
/// The runner leads the session sshd made for the command; a timeout, a log limit or a cancel
/// kills that whole session on the host (pkill -s, over a second channel), not just the channel.
/// </summary>
public sealed partial class SshBuildExecutor(
    SlotConfig slot,
    DataPaths paths,
    SshConnectionPool pool,
    SshOptions options,
    ILogger<SshBuildExecutor> logger,
    BuildLimitsOptions? limitOptions = null,
    BuildSourceLocator? buildSources = null) : IBuildExecutor
{
    private const string RunnerName = BuildRunnerScript.FileName;
    // SSH.NET reads the digits as octal ones: 755 is rwxr-xr-x.
    private const short Executable = 755;
    private readonly SshTarget _target = SshTarget.For(slot);
    // The first line of the remote command, before the runner starts: the session to kill.
    private const string SessionLinePrefix = "autobuilder-session ";

    public async Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
    {
        var build = assignment.Build;
        var started = DateTimeOffset.UtcNow;
        // Checked before anything is sent: names are plain (no '/', no '..', no leading '-', no
        // control characters). Verification checked them already; the executor must not rely on it.
        var names = build.Files.Append(build.DscFileName).Distinct().ToList();
        foreach (var name in names)
            FileNames.Require(name, build.DscFileName);

        var limits = ExecutionLimits.For(build, limitOptions);
        var work = BuildOutput.FreshWorkFolder(paths, slot, assignment);
        var live = limits.OpenLiveLog(BuildOutput.LiveLogPath(paths, assignment), log);
        SshConnection? connection = null;
        var healthy = false;
        var forwards = new List<ForwardedPortRemote>();
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
            live.Note($"[autobuilder] building on {_target} in {buildFolder}");

            foreach (var name in names)
            {
                await using var source = File.OpenRead(FileNames.Combine(build.SourceFolder, name, build.DscFileName));
                await connection.Sftp.UploadFileAsync(source, $"{buildFolder}/{name}", ct);
            }
            var runner = $"{buildFolder}/{RunnerName}";
            await using (var script = new MemoryStream(BuildRunnerScript.ReadBytes()))
                await connection.Sftp.UploadFileAsync(script, runner, ct);
            connection.Sftp.ChangePermissions(runner, Executable);
            var sources = slot.Mode == SlotConfig.ChrootMode
                ? await BuildSourcesOnHostAsync(connection, build, buildFolder, forwards, ct, buildSources)
                : BuildSourceArguments.None;
            foreach (var note in sources.Notes)
                live.Note(note);

            // sshd runs the command's shell as the leader of a new session: "$$" (the one word not
            // quoted, and no value of ours) is that session's id, and exec keeps it for the runner.
            var command = ShellQuote.Command(["cd", "--", buildFolder]) + " && echo " + SessionLinePrefix + "$$ && "
                + ShellQuote.Command(["exec", runner, .. RunnerArguments.For(build, slot), .. sources.RunnerArguments, .. limits.RunnerArguments()]) + " 2>&1";
            var (exitCode, stopped) = await RunStreamingAsync(connection, command, live, limits, ct);
            // From here on a cancel has been dealt with (the build is stopped): its log is still
            // fetched and the remote folder removed, bounded by the SFTP operation timeout.
            ct = CancellationToken.None;

            foreach (var file in new[] { BuildRunnerFiles.State, BuildRunnerFiles.Log, BuildRunnerFiles.DepWait, BuildRunnerFiles.ResultsList })
                await DownloadIfPresentAsync(connection, $"{buildFolder}/{file}", Path.Combine(work, file), ct);
            var result = BuildRunnerResult.Read(work, exitCode);
            if (result.Files.Count > 0 && stopped is null)
            {
                // Names come from the host's results.list; BuildRunnerResult admitted plain names only.
                Directory.CreateDirectory(result.ResultsDirectory);
                foreach (var file in result.Files)
                    await DownloadAsync(connection, $"{buildFolder}/{BuildRunnerFiles.ResultsDirectory}/{file}", result.PathOf(file), ct);
            }
            var published = BuildOutput.Publish(paths, slot, assignment, result, started, stopped);
            await ExecuteAsync(connection, ShellQuote.Command(["rm", "-rf", "--", buildFolder]), ct);
            healthy = true;
            return published;
        }
        catch (HostUnreachableException ex)
        {
            live.Note($"[autobuilder] {ex.Message}");
            throw;
        }
        catch (Exception ex) when (SshFailures.IsConnectionFailure(ex))
        {
            var message = $"{_target}: {SshFailures.Describe(ex)}";
            live.Note($"[autobuilder] {message}");
            throw new HostUnreachableException(message, ex);
        }
        finally
        {
            if (connection is not null)
            {
                healthy &= StopForwards(connection, forwards);
                pool.Return(connection, healthy);
            }
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

    /// <summary>
    /// The request's build sources as the builder host reaches them: each key file copied into the
    /// build folder, and a live tree this silo serves on its own loopback (role all, or a builder
    /// beside the stage) reached through a remote forward of this very connection (ssh -R): a port
    /// on the builder host's loopback that leads back to the live-tree server, so nothing of this
    /// host is opened to the network. Repositories with a configured URL are used as they are.
    /// </summary>
    private static async Task<BuildSourceArguments> BuildSourcesOnHostAsync(SshConnection connection, BuildRequest build, string buildFolder,
        List<ForwardedPortRemote> forwards, CancellationToken ct, BuildSourceLocator? locator)
    {
        var sources = BuildSourceArguments.Resolve(build, locator);
        if (sources.IsEmpty)
            return sources;
        var remotePorts = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var location in sources.OnLoopback)
        {
            var local = new Uri(location.Url);
            if (!remotePorts.ContainsKey(local.Authority))
                remotePorts[local.Authority] = Forward(connection, local, forwards);
        }
        sources = sources.WithUrls(l => remotePorts.TryGetValue(new Uri(l.Url).Authority, out var port)
            ? new UriBuilder(l.Url) { Host = "127.0.0.1", Port = (int)port }.Uri.ToString().TrimEnd('/')
            : l.Url);
        foreach (var (keyFile, name) in sources.Keys)
        {
            await using var key = File.OpenRead(keyFile);
            await connection.Sftp.UploadFileAsync(key, $"{buildFolder}/{name}", ct);
        }
        return sources;
    }

    /// <summary>
    /// A remote forward from a free port on the builder host's 127.0.0.1 to <paramref name="local"/>:
    /// sshd picks no port for us through SSH.NET, so a few random ones of the dynamic range are tried.
    /// </summary>
    private static uint Forward(SshConnection connection, Uri local, List<ForwardedPortRemote> forwards)
    {
        var target = System.Net.IPAddress.Parse(local.Host.Trim('[', ']'));
        Exception? last = null;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var port = (uint)Random.Shared.Next(20_000, 60_000);
            var forward = new ForwardedPortRemote(System.Net.IPAddress.Loopback, port, target, (uint)local.Port);
            connection.Ssh.AddForwardedPort(forward);
            try
            {
                forward.Start();
                forwards.Add(forward);
                return port;
            }
            catch (SshException ex)
            {
                last = ex;
                connection.Ssh.RemoveForwardedPort(forward);
                forward.Dispose();
            }
        }
        throw new InvalidOperationException($"{connection.Target}: the builder host refused a remote forward to this silo's live-tree server " +
            $"({last?.Message}); allow TCP forwarding for the slot user in its sshd (AllowTcpForwarding remote), or configure Autobuilder:BuildSources:Urls", last);
    }

    /// <summary>Ends this build's forwards; false when the connection could not end them (it is then not pooled again).</summary>
    private static bool StopForwards(SshConnection connection, List<ForwardedPortRemote> forwards)
    {
        var clean = true;
        foreach (var forward in forwards)
        {
            try
            {
                forward.Stop();
                connection.Ssh.RemoveForwardedPort(forward);
            }
            catch (Exception ex) when (ex is SshException or ObjectDisposedException or InvalidOperationException)
            {
                clean = false;
            }
            forward.Dispose();
        }
        return clean;
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
    /// Past the deadline, at the log limit or on cancel, the remote session is stopped (TERM, then
    /// KILL after the grace) and that verdict returned; what the build left running in its session
    /// after the runner ended is killed too.
    /// </summary>
    private async Task<(int? ExitCode, BuildStop? Stopped)> RunStreamingAsync(SshConnection connection, string command, LiveLog live,
        ExecutionLimits limits, CancellationToken ct)
    {
        using var cmd = connection.Ssh.CreateCommand(command);
        var lastOutput = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var session = 0;
        // Not cancelled through SSH.NET: closing the channel would leave the build running there.
        var execute = cmd.ExecuteAsync(CancellationToken.None);
        // SSH.NET's output pipe reads synchronously only (its async read would ignore cancellation),
        // so a dedicated task pumps it; the loop below watches both it and the silence.
        var pump = Task.Run(() => LogPump.Pump(cmd.OutputStream, live, limits.MaxLineChars,
            onData: () =>
            {
                lock (lastOutput)
                    lastOutput.Restart();
            },
            intercept: line =>
            {
                if (Volatile.Read(ref session) != 0 || !TryParseSession(line, out var sid))
                    return false;
                Volatile.Write(ref session, sid);
                return true;
            }), CancellationToken.None);
        var silence = TimeSpan.FromSeconds(options.SilenceTimeoutSeconds);
        var tick = TimeSpan.FromSeconds(Math.Clamp(options.SilenceTimeoutSeconds / 10, 0.1, 1));
        BuildStop? stopped = null;
        TimeSpan? killedAt = null;
        TimeSpan? exitedAt = null;
        var swept = false;
        while (!execute.IsCompleted)
        {
            await Task.WhenAny(execute, Task.Delay(tick, CancellationToken.None));
            if (execute.IsCompleted)
                break;
            TimeSpan quiet;
            lock (lastOutput)
                quiet = lastOutput.Elapsed;
            if (stopped is null && quiet > silence)
            {
                // Dropping the connection is the one sure way to stop waiting on a host that may
                // never answer again; the pooled connection is not returned either way.
                connection.Dispose();
                throw new HostUnreachableException($"{_target}: no output from the build for {options.SilenceTimeoutSeconds:0.#} s; host or connection taken for dead");
            }
            if (stopped is null)
            {
                stopped = ct.IsCancellationRequested ? BuildStop.Cancelled
                    : live.StopReason ?? (clock.Elapsed > limits.Deadline ? BuildStop.TimedOut(limits.Timeout) : null);
                if (stopped is not null)
                {
                    live.Note($"[autobuilder] {stopped.Reason}: stopping every process of the build on {_target}");
                    await StopRemoteSessionAsync(connection, Volatile.Read(ref session), execute, limits.KillGrace);
                    killedAt = clock.Elapsed;
                }
            }
            else if (clock.Elapsed - killedAt > TimeSpan.FromSeconds(30))
            {
                connection.Dispose();
                throw new HostUnreachableException($"{_target}: the build did not end within 30 s of being killed; host or connection taken for dead");
            }
            if (cmd.ExitStatus is not null && !swept)
            {
                // The runner has ended but the channel stays open: something the build left in its
                // session still holds the output.
                exitedAt ??= clock.Elapsed;
                if (clock.Elapsed - exitedAt > TimeSpan.FromSeconds(1))
                {
                    swept = true;
                    await SignalRemoteSessionAsync(connection, Volatile.Read(ref session), "KILL");
                }
            }
        }
        await execute;
        // The command's end closes the pipe; what was still buffered is read before we go on.
        if (await Task.WhenAny(pump, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)) != pump)
            LogOutputNotDrained(logger, _target.ToString());
        // Background processes of the build that let go of the output live on otherwise.
        await SignalRemoteSessionAsync(connection, Volatile.Read(ref session), "KILL");
        return (stopped is null ? cmd.ExitStatus : null, stopped);
    }

    private static bool TryParseSession(string line, out int session)
    {
        session = 0;
        return line.StartsWith(SessionLinePrefix, StringComparison.Ordinal)
            && int.TryParse(line.AsSpan(SessionLinePrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out session)
            && session > 1;
    }

    /// <summary>TERM to every process of the remote session, then KILL to what is left after the grace.</summary>
    private async Task StopRemoteSessionAsync(SshConnection connection, int session, Task execute, TimeSpan grace)
    {
        if (session == 0)
        {
            // The shell never got as far as naming its session: nothing of the build runs yet.
            return;
        }
        await SignalRemoteSessionAsync(connection, session, "TERM");
        await Task.WhenAny(execute, Task.Delay(grace, CancellationToken.None));
        await SignalRemoteSessionAsync(connection, session, "KILL");
    }

    /// <summary>
    /// pkill -SIGNAL -s SESSION on the host, over a channel of its own; "none matched" is fine. As
    /// the slot's user, it can reach nothing but that user's processes.
    /// </summary>
    private async Task SignalRemoteSessionAsync(SshConnection connection, int session, string signal)
    {
        if (session <= 1)
            return;
        try
        {
            using var kill = connection.Ssh.CreateCommand(ShellQuote.Command(["pkill", "-" + signal, "-s",
                session.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(5, options.ConnectTimeoutSeconds)));
            await kill.ExecuteAsync(bounded.Token);
            if (kill.ExitStatus is not (0 or 1))
                LogKillFailed(logger, _target.ToString(), session, $"pkill exited {kill.ExitStatus?.ToString() ?? kill.ExitSignal}: {kill.Error.Trim()}");
        }
        catch (Exception ex) when (ex is OperationCanceledException || SshFailures.IsConnectionFailure(ex) || ex is InvalidOperationException)
        {
            LogKillFailed(logger, _target.ToString(), session, ex.Message);
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Target}: could not signal the build's session {Session}: {Problem}")]
    private static partial void LogKillFailed(ILogger logger, string target, int session, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Target}: the build's output was still not read 10 s after the command ended; the live log may miss its end")]
    private static partial void LogOutputNotDrained(ILogger logger, string target);
}
