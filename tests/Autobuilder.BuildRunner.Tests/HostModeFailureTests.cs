using System.Diagnostics;
using System.Globalization;
using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests;

/// <summary>Each way a build can end badly, and the outcome class (exit code, state) it must get.</summary>
public class HostModeFailureTests
{
    [Fact]
    public void Should_report_BuildFailed_and_log_the_failing_command_When_debian_rules_fails()
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-fail", RulesBuild: "exit 1"));

        var run = build.Run(build.Args("any")).AssertExit(1);

        Assert.Equal(BuildOutcome.BuildFailed, run.State.Outcome);
        Assert.Equal(BuildOutcome.BuildFailed, run.Result.Outcome);
        Assert.Contains("exit 1", run.Log);
        Assert.Contains("override_dh_auto_build", run.Log);
        Assert.Contains("build failed: dpkg-buildpackage -us -uc --build=any --no-check-builddeps exited", run.Log);
        Assert.Empty(run.Result.Files);
        Assert.False(File.Exists(build[BuildRunnerFiles.ResultsList]));
    }

    [Fact]
    public void Should_stop_the_build_and_report_BuildFailed_When_it_runs_past_the_timeout()
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-slow", RulesBuild: "sleep 60"));
        var clock = Stopwatch.StartNew();

        var run = build.Run(build.Args("any", "--timeout", "2")).AssertExit(1);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains("build timed out after 2s", run.Log);
        Assert.Equal("build timed out after 2s", run.State.Reason);
    }

    [Fact]
    public void Should_stop_the_build_and_keep_the_log_at_the_limit_When_the_build_prints_past_the_log_limit()
    {
        // 200 MiB of output (yes never stops by itself: head ends it), against a 1 MiB limit.
        using var build = new BuildFolder(new SourcePackage(Name: "hello-loud", RulesBuild: "yes 'all work and no play' | head -c 209715200"));
        const int limit = 1024 * 1024;
        var clock = Stopwatch.StartNew();

        var run = build.Run(build.Args("any", "--log-limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture))).AssertExit(1);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.Equal(BuildOutcome.BuildFailed, run.State.Outcome);
        Assert.Equal($"log limit exceeded: the build printed more than {limit} bytes", run.State.Reason);
        var size = new FileInfo(build[BuildRunnerFiles.Log]).Length;
        Assert.InRange(size, limit, limit + 4096);
        Assert.Contains("log limit exceeded", File.ReadAllText(build[BuildRunnerFiles.Log])[^1000..]);
        Assert.False(File.Exists(build[BuildRunnerFiles.ResultsList]));
    }

    [Fact]
    public void Should_succeed_as_usual_When_the_output_stays_under_the_log_limit()
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-quiet"));

        var run = build.Run(build.Args("any", "--log-limit", "10000000")).AssertExit(0);

        Assert.Equal(BuildOutcome.Success, run.State.Outcome);
        Assert.Contains("log-limit=10000000", run.Log);
    }

    [Fact]
    public void Should_read_the_build_dependencies_of_a_clear_signed_dsc_When_the_uploader_signed_it()
    {
        // Real uploads are signed: the check reads the .dsc's fields, which dpkg's parser refuses
        // with the OpenPGP armour around them.
        using var build = new BuildFolder(new SourcePackage(Name: "hello-signed-dw", BuildDepends: "autobuilder-no-such-package (>= 1)"));
        using var key = UploaderGpgKey.Create(System.IO.Path.Combine(build.Root, "gnupg"), "Runner Test <runner@example.org>");
        File.WriteAllText(build[build.Package.DscName], key.ClearSign(File.ReadAllText(build[build.Package.DscName])));

        var run = build.Run(build.Args("any")).AssertExit(2);

        Assert.Equal(BuildOutcome.DepWait, run.State.Outcome);
        Assert.Equal("autobuilder-no-such-package (>= 1)", run.State.Missing);
        Assert.Contains("dpkg-source: info: extracting hello-signed-dw", run.Log);
        Assert.False(File.Exists(build[".build-deps.control"]), "the check's copy of the fields is removed");
    }

    [Fact]
    public void Should_report_DepWait_and_name_the_missing_dependency_When_a_build_dependency_is_not_installed()
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-dw", BuildDepends: "autobuilder-no-such-package (>= 1)"));

        var run = build.Run(build.Args("any")).AssertExit(2);

        Assert.Equal("autobuilder-no-such-package (>= 1)\n", File.ReadAllText(build[BuildRunnerFiles.DepWait]));
        Assert.Equal(BuildOutcome.DepWait, run.State.Outcome);
        Assert.Equal("autobuilder-no-such-package (>= 1)", run.State.Missing);
        Assert.Equal(["autobuilder-no-such-package (>= 1)"], run.Result.MissingBuildDependencies);
        Assert.DoesNotContain("=== build ===", run.Log);
    }

    [Fact]
    public void Should_report_BadSource_When_a_tarball_is_corrupted()
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-bad"));
        var orig = build["hello-bad_1.0.orig.tar.gz"];
        var bytes = File.ReadAllBytes(orig);
        for (var i = 10; i < bytes.Length - 8; i++)
            bytes[i] ^= 0x5a;
        File.WriteAllBytes(orig, bytes);

        var run = build.Run(build.Args("any")).AssertExit(3);

        Assert.Equal(BuildOutcome.BadSource, run.State.Outcome);
        Assert.Contains("dpkg-source -x failed", run.Log);
        Assert.DoesNotContain("=== build ===", run.Log);
    }

    [Theory]
    [InlineData("../x.dsc")]
    [InlineData("../hello-ab_1.0-1.dsc")]
    [InlineData("$(touch pwned).dsc")]
    [InlineData("`touch pwned`.dsc")]
    [InlineData("-x.dsc")]
    [InlineData("a\noutcome=success\nx.dsc")]
    [InlineData("hello-ab_1.0-1.changes")]
    [InlineData(".dsc")]
    public void Should_refuse_with_BadSource_before_touching_files_When_the_dsc_is_not_a_plain_file_name(string dsc)
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-ab"));
        // A buildable package right outside the folder: if a path were followed, it would build.
        foreach (var file in Directory.GetFiles(build.Path))
            File.Copy(file, Path.Combine(build.Root, Path.GetFileName(file)));
        File.Copy(build["hello-ab_1.0-1.dsc"], Path.Combine(build.Root, "x.dsc"));
        var args = build.Args("any");
        args[1] = dsc;

        var run = build.Run(args).AssertExit(3);

        Assert.Equal(BuildOutcome.BadSource, run.State.Outcome);
        Assert.Null(run.State.Dsc);
        Assert.Contains("refusing .dsc name", run.Log);
        Assert.DoesNotContain("running: dpkg-source", run.Log);
        Assert.False(Directory.Exists(build["src"]));
        Assert.Empty(Directory.GetFiles(build.Root, "pwned", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "pwned")));
    }

    [Fact]
    public void Should_report_InfrastructureError_When_dpkg_buildpackage_is_not_installed()
    {
        using var build = new BuildFolder();
        // A PATH with every tool of /usr/bin except dpkg-buildpackage.
        var bin = Path.Combine(build.Root, "path");
        Directory.CreateDirectory(bin);
        foreach (var tool in Directory.GetFiles("/usr/bin").Where(t => Path.GetFileName(t) != "dpkg-buildpackage"))
            File.CreateSymbolicLink(Path.Combine(bin, Path.GetFileName(tool)), tool);

        var run = build.Run(build.Args("any"), new Dictionary<string, string> { ["PATH"] = bin }).AssertExit(4);

        Assert.Contains("missing tools on this host: dpkg-buildpackage", run.Log);
        Assert.Equal(BuildOutcome.InfrastructureError, run.State.Outcome);
        Assert.DoesNotContain("=== setup ===", run.Log);
    }

    [Fact]
    public void Should_report_InfrastructureError_When_the_disk_has_less_free_space_than_required()
    {
        using var build = new BuildFolder();

        var run = build.Run(build.Args("any", "--min-free-mb", "999999999")).AssertExit(4);

        Assert.Contains("less than 999999999 MB free", run.Log);
        Assert.Equal(BuildOutcome.InfrastructureError, run.Result.Outcome);
    }

    [Fact]
    public void Should_stop_the_unpack_and_report_InfrastructureError_When_the_host_builds_another_architecture()
    {
        using var build = new BuildFolder();
        var other = BuildFolder.Arch == "s390x" ? "amd64" : "s390x";
        var args = build.Args("any");
        args[Array.IndexOf(args, "--arch") + 1] = other;

        // The architecture is checked while the source unpacks: the run still ends as the wrong host's.
        var run = build.Run(args).AssertExit(4);

        Assert.Contains($"this host builds {BuildFolder.Arch}, not {other}", run.Log);
        Assert.Equal(BuildOutcome.InfrastructureError, run.State.Outcome);
        Assert.DoesNotContain("=== build ===", run.Log);
        // Nothing of the unpack outlives the runner (it is stopped, then waited for).
        Assert.Empty(ProcessesIn(build.Path));
    }

    [Fact]
    public void Should_report_InfrastructureError_When_the_build_dependencies_cannot_be_written_for_the_check()
    {
        using var build = new BuildFolder();
        // The check's control file is written in the build folder; a folder in its place makes that fail.
        Directory.CreateDirectory(build[".build-deps.control"]);

        var run = build.Run(build.Args("any")).AssertExit(4);

        Assert.Contains("could not be read from", run.Log);
        Assert.Equal(BuildOutcome.InfrastructureError, run.State.Outcome);
        Assert.DoesNotContain("=== build ===", run.Log);
    }

    /// <summary>Processes whose working directory is <paramref name="folder"/> or below it.</summary>
    private static List<string> ProcessesIn(string folder)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var cwd = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget;
                if (cwd is not null && (cwd == folder || cwd.StartsWith(folder + "/", StringComparison.Ordinal)))
                    found.Add($"{Path.GetFileName(dir)} {File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ')}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    [Fact]
    public void Should_still_write_done_and_InfrastructureError_When_a_step_fails_unexpectedly()
    {
        using var build = new BuildFolder();
        // The runner removes a stale depwait file with rm -f; a non-empty directory there makes that
        // fail, an error no step handles.
        Directory.CreateDirectory(build["depwait"]);
        File.WriteAllText(build["depwait/keep"], "x");

        var run = build.Run(build.Args("any")).AssertExit(4);

        Assert.Equal(BuildRunnerState.Done, run.State.State);
        Assert.Equal(BuildOutcome.InfrastructureError, run.State.Outcome);
        Assert.NotNull(run.State.Finished);
        Assert.Contains("unexpected error", run.Log);
    }

    [Fact]
    public void Should_leave_a_state_file_that_parses_When_SIGTERM_arrives_at_any_moment_of_the_start()
    {
        // Arrange: a TERM 0-9 ms after the runner made its log lands, now and then, while write_state
        // has stdout redirected into state.tmp; the trap's log line once went into that file and so
        // into the state (CI: "started=2026-12-[2026-...Z] done: ..."): 3 of 100 such runs at load 7-11.
        using var build = new BuildFolder();
        const int runs = 200;
        var loop = """
            set -u
            script=$1 arch=$2 runs=$3 states=$4
            exec {pause}<> <(:)
            for ((i = 0; i < runs; i++)); do
              rm -f state state.tmp build.log
              "$script" --dsc nothere.dsc --arch "$arch" --mode host --build-type any >/dev/null 2>&1 &
              pid=$!
              # Aimed at the run, whatever the load: the runner makes build.log just before its traps.
              t=0
              while [[ ! -e build.log ]] && ((t++ < 5000)); do read -r -t 0.001 -u "$pause" _ || true; done
              read -r -t "0.00$((i % 10))" -u "$pause" _ || true
              kill -TERM "$pid" 2>/dev/null || true
              wait "$pid" || true
              if [[ -f state ]]; then cp state "$states/$i"; fi
            done
            """;
        var states = Path.Combine(build.Root, "states");
        Directory.CreateDirectory(states);

        // Act
        Tool.Run("bash", ["-c", loop, "loop", build.Script, BuildFolder.Arch, runs.ToString(CultureInfo.InvariantCulture), states],
            workingDirectory: build.Path, timeout: TimeSpan.FromMinutes(5)).Ok();

        // Assert: every state left parses, and the runs did end in done (not all before the trap existed).
        var files = Directory.GetFiles(states);
        Assert.True(files.Length >= runs / 5, $"only {files.Length} of {runs} runs left a state file");
        var parsed = files.Select(BuildRunnerStateFile.Load).ToList();
        Assert.All(parsed, state => Assert.Equal(BuildRunnerState.Done, state.State));
    }

    [Theory]
    [InlineData("--jobs", "0")]
    [InlineData("--jobs", "two")]
    [InlineData("--timeout", "-5")]
    [InlineData("--log-limit", "0")]
    [InlineData("--log-limit", "1k")]
    [InlineData("--no-such-option", "x")]
    public void Should_report_InfrastructureError_When_an_option_is_invalid(string option, string value)
    {
        using var build = new BuildFolder();

        var run = build.Run(build.Args("any", option, value)).AssertExit(4);

        Assert.Contains("usage error", run.Log);
        Assert.False(Directory.Exists(build["src"]));
    }
}
