using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Execution.Ssh;
using Autobuilder.Silo.Tests.Execution;
using Autobuilder.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Tests.Ssh;

/// <summary>
/// The SSH executor's limits against the farm's real sshd on host A: a build past its timeout, a
/// cancelled build and a build that leaves a process behind all end with nothing of theirs left
/// running on the host — the remote session is killed, not just the channel closed.
/// </summary>
[Collection(SshFarmCollection.Name)]
public sealed class SshLimitsTests(SshFarmFixture farm) : IDisposable
{
    private const string User = "abslot1";
    private readonly TempDir _dir = new("ab-ssh-limits-");
    private readonly AutobuilderOptions _options = new() { Ssh = new SshOptions { ConnectTimeoutSeconds = 5, SilenceTimeoutSeconds = 120 } };

    private SshBuildExecutor Executor(SshConnectionPool pool, BuildLimitsOptions limits) =>
        new(new SlotConfig("limits", User, [SiloProcess.HostArchitecture], SlotConfig.SshExecutor, "127.0.0.1", farm.HostA.Port,
                farm.HostA.HostKeySha256, farm.Keys[User].PrivateKeyFile),
            new DataPaths(_dir["var"]), pool, _options.Ssh, NullLogger<SshBuildExecutor>.Instance, limits);

    private BuildAssignment Prepare(SourcePackage package)
    {
        var src = _dir["src-" + package.Name];
        Directory.CreateDirectory(src);
        var dsc = package.BuildSource(src);
        var files = Directory.GetFiles(src).Select(Path.GetFileName).Where(f => f != Path.GetFileName(dsc)).Select(f => f!).ToList();
        var id = $"bookworm/{package.Name}_{package.Version}/1";
        return new BuildAssignment(new BuildRequest($"{id}/{SiloProcess.HostArchitecture}", id, "bookworm", package.Name, package.Version,
            SiloProcess.HostArchitecture, BuildType.Any, 0, DateTimeOffset.UtcNow, Path.GetFileName(dsc), files, src), 1, "limits/" + User);
    }

    private string RemoteSlotFolder => Path.Combine(UnixUser.Home(User), "autobuilder", "limits_" + User);

    [Fact]
    public async Task Should_fail_with_the_timeout_and_leave_no_process_on_the_host_When_the_build_sleeps_past_it()
    {
        // Arrange
        var sleep = BuildProcesses.UniqueSleepSeconds();
        var assignment = Prepare(new SourcePackage(Name: "ab-ssh-sleeper", RulesBuild: $"sleep {sleep}"));
        using var pool = new SshConnectionPool(Options.Create(_options));

        // Act
        var result = await Executor(pool, new BuildLimitsOptions { TimeoutSeconds = 10 }).RunAsync(assignment, null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(120));

        // Assert
        Assert.Equal(BuildOutcome.BuildFailed, result.Outcome);
        Assert.Equal("build timed out after 10s", result.Summary);
        Assert.Empty(result.Files);
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
        Assert.Empty(Directory.GetFileSystemEntries(RemoteSlotFolder));
    }

    [Fact]
    public async Task Should_kill_the_remote_session_and_end_Cancelled_When_a_running_build_is_cancelled()
    {
        // Arrange
        var sleep = BuildProcesses.UniqueSleepSeconds();
        var assignment = Prepare(new SourcePackage(Name: "ab-ssh-cancel", RulesBuild: $"sleep {sleep}"));
        using var pool = new SshConnectionPool(Options.Create(_options));
        using var cancel = new CancellationTokenSource();

        // Act
        var run = Executor(pool, new BuildLimitsOptions { KillGraceSeconds = 2 }).RunAsync(assignment, null, cancel.Token);
        await BuildProcesses.StartedAsync(sleep, TimeSpan.FromSeconds(120));
        cancel.Cancel();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(BuildOutcome.Cancelled, result.Outcome);
        Assert.Empty(result.Files);
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
        Assert.Empty(Directory.GetFileSystemEntries(RemoteSlotFolder));
        Assert.Contains("cancelled: stopping every process of the build", File.ReadAllText(new DataPaths(_dir["var"]).LiveLog(assignment.Build.UploadId,
            assignment.Build.Architecture, 1)));
    }

    [Fact]
    public async Task Should_kill_what_a_successful_build_left_running_When_the_runner_has_ended()
    {
        // Arrange: the build starts a detached sleep and succeeds.
        var sleep = BuildProcesses.UniqueSleepSeconds();
        var assignment = Prepare(new SourcePackage(Name: "ab-ssh-leftover", RulesBuild: $"sleep {sleep} >/dev/null 2>&1 &"));
        using var pool = new SshConnectionPool(Options.Create(_options));

        // Act
        var result = await Executor(pool, new BuildLimitsOptions()).RunAsync(assignment, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120));

        // Assert
        Assert.Equal(BuildOutcome.Success, result.Outcome);
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
    }

    public void Dispose() => _dir.Dispose();
}
