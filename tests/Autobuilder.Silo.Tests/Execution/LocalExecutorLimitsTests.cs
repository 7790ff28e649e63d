using System.Diagnostics;
using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Execution;
using Autobuilder.Silo.Execution.Sandbox;

namespace Autobuilder.Silo.Tests.Execution;

/// <summary>
/// The local executor's limits, called directly with the real runner (and, where the runner's own
/// enforcement must be taken out of the way, a stand-in runner that ignores it): every process of
/// a stopped build is gone, and the verdict says why.
/// </summary>
public sealed class LocalExecutorLimitsTests : IDisposable
{
    private readonly TempDir _dir = new("ab-local-limits-");
    // A real slot account: host-mode builds run as the slot's own user, never as the test.
    private readonly SlotConfig _slot = new("localhost", "abbuild3", [SiloProcess.HostArchitecture], SlotConfig.LocalExecutor);
    private readonly string _buildRoot = Path.Combine(Path.GetTempPath(), $"ab-builds-{Guid.NewGuid():N}");

    private (BuildRequest Build, string Runner) Prepare(SourcePackage package, string? runner = null)
    {
        var src = _dir["src-" + package.Name];
        Directory.CreateDirectory(src);
        var dsc = package.BuildSource(src);
        var files = Directory.GetFiles(src).Select(Path.GetFileName).Where(f => f != Path.GetFileName(dsc)).Select(f => f!).ToList();
        var build = new BuildRequest($"bookworm/{package.Name}_{package.Version}/1/{SiloProcess.HostArchitecture}", $"bookworm/{package.Name}_{package.Version}/1",
            "bookworm", package.Name, package.Version, SiloProcess.HostArchitecture, BuildType.Any, 0, DateTimeOffset.UtcNow, Path.GetFileName(dsc), files, src);
        return (build, runner ?? BuildRunnerScript.WriteTo(_dir["bin/ab-build-runner"]));
    }

    private Task<BuildResult> RunAsync(BuildRequest build, string runner, BuildLimitsOptions limits, Action<string>? log = null, CancellationToken ct = default) =>
        new LocalBuildExecutor(_slot, new DataPaths(_dir["var"]), runner,
            BuildSandbox.FromOptions(new AutobuilderOptions { BuildRoot = _buildRoot }), limits).RunAsync(new BuildAssignment(build, 1, _slot.Key), log, ct);

    /// <summary>A stand-in runner that ignores --timeout and SIGTERM and leaves children in other process groups.</summary>
    private string FakeStubbornRunner(string sleep) => WriteScript("fake-stubborn-runner", $$"""
        #!/bin/bash
        trap '' TERM
        echo "stubborn runner: ignoring $* and TERM"
        ( set -m; sleep {{sleep}} & wait ) &
        nohup sleep {{sleep}} >/dev/null 2>&1 &
        sleep {{sleep}}
        """);

    private string WriteScript(string name, string text)
    {
        var path = _dir.Write("bin/" + name, text.Replace("\r", "") + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    [Fact]
    public async Task Should_kill_the_whole_session_and_fail_with_the_timeout_When_the_runner_ignores_its_own_timeout()
    {
        // Arrange
        var sleep = BuildProcesses.UniqueSleepSeconds();
        var (build, runner) = Prepare(new SourcePackage(Name: "ab-stubborn"), FakeStubbornRunner(sleep));
        var clock = Stopwatch.StartNew();

        // Act
        var result = await RunAsync(build, runner, new BuildLimitsOptions { TimeoutSeconds = 2, ExecutorGraceSeconds = 1, KillGraceSeconds = 1 });

        // Assert
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Equal(BuildOutcome.BuildFailed, result.Outcome);
        Assert.Equal("build timed out after 2s (stopped by the executor)", result.Summary);
        Assert.Empty(result.Files);
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
    }

    [Fact]
    public async Task Should_end_Cancelled_with_no_process_left_When_a_running_build_is_cancelled()
    {
        // Arrange
        var sleep = BuildProcesses.UniqueSleepSeconds();
        var (build, runner) = Prepare(new SourcePackage(Name: "ab-cancel-local", RulesBuild: $"sleep {sleep}"));
        using var cancel = new CancellationTokenSource();
        var building = new TaskCompletionSource();

        // Act
        var run = RunAsync(build, runner, new BuildLimitsOptions { KillGraceSeconds = 2 }, line =>
        {
            if (line.Contains("=== build ===", StringComparison.Ordinal))
                building.TrySetResult();
        }, cancel.Token);
        await building.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await BuildProcesses.StartedAsync(sleep, TimeSpan.FromSeconds(60));
        cancel.Cancel();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(BuildOutcome.Cancelled, result.Outcome);
        Assert.Empty(result.Files);
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
    }

    [Fact]
    public async Task Should_stop_at_the_limit_and_keep_the_log_small_When_the_build_prints_200_MiB()
    {
        // Arrange
        const long limit = 1024 * 1024;
        var (build, runner) = Prepare(new SourcePackage(Name: "ab-loud-local", RulesBuild: "yes 'all work and no play' | head -c 209715200"));
        var clock = Stopwatch.StartNew();

        // Act
        var result = await RunAsync(build, runner, new BuildLimitsOptions { LogLimitBytes = limit });

        // Assert
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.Equal(BuildOutcome.BuildFailed, result.Outcome);
        Assert.Equal($"log limit exceeded: the build printed more than {limit} bytes", result.Summary);
        Assert.Empty(result.Files);
        Assert.InRange(new FileInfo(result.LogPath).Length, limit, limit + 8 * 1024);
        var live = new DataPaths(_dir["var"]).LiveLog(build.UploadId, build.Architecture, 1);
        Assert.InRange(new FileInfo(live).Length, limit, limit + 128 * 1024);
    }

    [Fact]
    public async Task Should_cut_a_line_with_a_marker_When_it_is_longer_than_the_line_limit()
    {
        // Arrange: five million characters without a newline, then an ordinary line.
        var (build, _) = Prepare(new SourcePackage(Name: "ab-longline"));
        var runner = WriteScript("fake-long-line-runner", """
            #!/bin/bash
            head -c 5000000 /dev/zero | tr '\0' x
            echo
            echo "the line after"
            """);

        // Act
        var result = await RunAsync(build, runner, new BuildLimitsOptions { MaxLineChars = 1000 });

        // Assert: the stand-in writes no state file, so the outcome is an infrastructure error; the log is the point.
        Assert.Equal(BuildOutcome.InfrastructureError, result.Outcome);
        var lines = File.ReadAllLines(new DataPaths(_dir["var"]).LiveLog(build.UploadId, build.Architecture, 1));
        Assert.Equal(new string('x', 1000) + LogPump.CutMarker(1000), lines[0]);
        Assert.Equal("the line after", lines[1]);
    }

    [Fact]
    public async Task Should_fail_the_build_and_not_throw_When_the_live_log_cannot_be_written()
    {
        // Arrange: the live log's path leads to /dev/full, where every write fails with ENOSPC.
        var sleep = BuildProcesses.UniqueSleepSeconds();
        var (build, runner) = Prepare(new SourcePackage(Name: "ab-diskfull", RulesBuild: $"sleep {sleep}"));
        var live = new DataPaths(_dir["var"]).LiveLog(build.UploadId, build.Architecture, 1);
        Directory.CreateDirectory(Path.GetDirectoryName(live)!);
        File.CreateSymbolicLink(live, "/dev/full");

        // Act
        var result = await RunAsync(build, runner, new BuildLimitsOptions { KillGraceSeconds = 2 }).WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(BuildOutcome.BuildFailed, result.Outcome);
        Assert.Contains("could not be written", result.Summary, StringComparison.Ordinal);
        Assert.Empty(result.Files);
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
    }

    [Fact]
    public async Task Should_kill_what_a_successful_build_left_running_When_the_runner_has_ended()
    {
        // Arrange: the build starts a detached sleep and succeeds.
        var sleep = BuildProcesses.UniqueSleepSeconds();
        var (build, runner) = Prepare(new SourcePackage(Name: "ab-leftover", RulesBuild: $"sleep {sleep} >/dev/null 2>&1 &"));

        // Act
        var result = await RunAsync(build, runner, new BuildLimitsOptions());

        // Assert
        Assert.Equal(BuildOutcome.Success, result.Outcome);
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
    }

    public void Dispose()
    {
        _dir.Dispose();
        if (Directory.Exists(_buildRoot))
            Directory.Delete(_buildRoot, recursive: true);
    }
}
