using System.Globalization;
using System.Text.RegularExpressions;
using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests;

/// <summary>Real builds with dpkg-buildpackage and debhelper that are expected to succeed.</summary>
public class HostModeBuildTests
{
    private const string Stamp = @"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] ";

    [Fact]
    public void Should_collect_the_deb_and_report_Success_When_the_package_builds()
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-ab"));

        var run = build.Run(build.Args("any")).AssertExit(0);

        var deb = $"hello-ab_1.0-1_{BuildFolder.Arch}.deb";
        Assert.Equal("hello-ab", Tool.Run("dpkg-deb", ["--field", build[$"results/{deb}"], "Package"]).Ok().Stdout.Trim());
        Assert.Contains("Package: hello-ab", Tool.Run("dpkg-deb", "--info", build[$"results/{deb}"]).Ok().Stdout);
        Assert.False(File.Exists(build[deb]), "the .deb should be moved into results/, not left beside the tree");

        var state = run.State;
        Assert.Equal(BuildRunnerState.Done, state.State);
        Assert.Equal(BuildOutcome.Success, state.Outcome);
        Assert.Equal(build.Package.DscName, state.Dsc);
        Assert.Equal("any", state.BuildType);
        Assert.NotNull(state.Started);
        Assert.True(state.Finished >= state.Started);

        var result = run.Result;
        Assert.Equal(BuildOutcome.Success, result.Outcome);
        Assert.Equal(
            [$"hello-ab_1.0-1_{BuildFolder.Arch}.buildinfo", $"hello-ab_1.0-1_{BuildFolder.Arch}.changes", deb],
            result.Files);
        Assert.All(result.Files, f => Assert.True(File.Exists(result.PathOf(f)), f));
        Assert.Empty(result.MissingBuildDependencies);

        var log = run.Log;
        foreach (var step in new[] { "=== init ===", "=== setup ===", "=== build ===", "done: outcome=success" })
            Assert.Matches(new Regex(Stamp + Regex.Escape(step) + "$", RegexOptions.Multiline), log);
        Assert.Contains("dpkg-buildpackage: info: source package hello-ab", log);
        Assert.Equal(log, run.Process.Stdout);
    }

    [Fact]
    public void Should_build_an_all_deb_When_build_type_is_all()
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-all", Architecture: "all"));

        var run = build.Run(build.Args("all")).AssertExit(0);

        Assert.Contains("hello-all_1.0-1_all.deb", run.Result.Files);
        Assert.DoesNotContain(run.Result.Files, f => f.EndsWith($"_{BuildFolder.Arch}.deb", StringComparison.Ordinal));
        Assert.Equal("all", Tool.Run("dpkg-deb", ["--field", build["results/hello-all_1.0-1_all.deb"], "Architecture"]).Ok().Stdout.Trim());
        Assert.Contains("dpkg-buildpackage -us -uc --build=all", run.Log);
    }

    [Fact]
    public void Should_pass_parallel_to_the_build_When_jobs_is_given()
    {
        // The override prints what the package's build sees ($$ is make's escape for $).
        using var build = new BuildFolder(new SourcePackage(Name: "hello-jobs", RulesBuild: "echo \"seen=[$${DEB_BUILD_OPTIONS}]\""));

        var run = build.Run(build.Args("binary", "--jobs", "3")).AssertExit(0);

        Assert.Matches(@"seen=\[(.* )?parallel=3\]", run.Log);
        Assert.Contains("dpkg-buildpackage -us -uc --build=binary", run.Log);
    }

    [Fact]
    public void Should_run_the_build_at_niceness_10_above_the_runners_When_it_builds()
    {
        // debian/rules prints the niceness it runs at; the test's own is the runner's.
        using var build = new BuildFolder(new SourcePackage(Name: "hello-nice", RulesBuild: "echo \"build-nice=[$$(nice)]\""));

        var run = build.Run(build.Args("binary")).AssertExit(0);

        var own = int.Parse(Tool.Run("nice").Ok().Stdout.Trim(), CultureInfo.InvariantCulture);
        Assert.Contains($"build-nice=[{Math.Min(own + 10, 19)}]", run.Log);
        Assert.Contains("nice 10", run.Log);
    }

    [Fact]
    public void Should_leave_files_that_were_there_before_out_of_the_results_When_the_folder_holds_an_upload_changes()
    {
        using var build = new BuildFolder(new SourcePackage(Name: "hello-pre"));
        File.WriteAllText(build["hello-pre_1.0-1_source.changes"], "from the upload\n");

        var run = build.Run(build.Args("any")).AssertExit(0);

        Assert.DoesNotContain("hello-pre_1.0-1_source.changes", run.Result.Files);
        Assert.Equal("from the upload\n", File.ReadAllText(build["hello-pre_1.0-1_source.changes"]));
        Assert.Contains($"hello-pre_1.0-1_{BuildFolder.Arch}.changes", run.Result.Files);
    }
}
