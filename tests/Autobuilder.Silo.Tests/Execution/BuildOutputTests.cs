using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Execution;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Execution;

/// <summary>
/// The build folder is the package's to write. Should a link get past the runner (an older runner,
/// a folder changed after it finished), the silo copying results must not follow it: the key it
/// points at would land in results/ under the silo's rights.
/// </summary>
public sealed class BuildOutputTests : IDisposable
{
    private readonly TempDir _dir = new("ab-output-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_fail_the_build_and_copy_nothing_through_a_link_When_a_listed_result_or_the_log_is_a_symbolic_link()
    {
        // Given: a finished run whose results.list names a link to a secret, and whose log is a link too.
        var secret = _dir["secret.key"];
        File.WriteAllText(secret, "SECRET KEY BYTES\n");
        var work = Directory.CreateDirectory(_dir["work"]).FullName;
        Directory.CreateDirectory(Path.Combine(work, BuildRunnerFiles.ResultsDirectory));
        File.WriteAllText(Path.Combine(work, BuildRunnerFiles.ResultsDirectory, "ab-out_1.0-1_amd64.deb"), "not really a deb\n");
        File.CreateSymbolicLink(Path.Combine(work, BuildRunnerFiles.ResultsDirectory, "ab-out_1.0-1_amd64.changes"), secret);
        File.CreateSymbolicLink(Path.Combine(work, BuildRunnerFiles.Log), secret);
        File.WriteAllText(Path.Combine(work, BuildRunnerFiles.ResultsList), "ab-out_1.0-1_amd64.changes\nab-out_1.0-1_amd64.deb\n");
        File.WriteAllText(Path.Combine(work, BuildRunnerFiles.State), "state=done\noutcome=success\n");
        var paths = new DataPaths(_dir["var"]);
        var slot = new SlotConfig("localhost", "ab1", ["amd64"], SlotConfig.LocalExecutor);
        var build = new BuildRequest("bookworm/ab-out_1.0-1/1/amd64", "bookworm/ab-out_1.0-1/1", "bookworm", "ab-out", "1.0-1", "amd64",
            BuildType.Any, 0, DateTimeOffset.UtcNow, "ab-out_1.0-1.dsc", [], _dir["src"]);

        // When
        var result = BuildOutput.Publish(paths, slot, new BuildAssignment(build, 1, slot.Key), BuildRunnerResult.Read(work, 0), DateTimeOffset.UtcNow);

        // Then
        Assert.Equal(BuildOutcome.BuildFailed, result.Outcome);
        Assert.Equal("results refused: ab-out_1.0-1_amd64.changes: is a symbolic link, not a regular file", result.Summary);
        Assert.Equal(["ab-out_1.0-1_amd64.deb"], result.Files);
        Assert.Equal(["ab-out_1.0-1_amd64.deb"], Directory.GetFileSystemEntries(result.ResultsFolder).Select(Path.GetFileName));
        var leaked = Tool.Run("grep", "-rl", "SECRET KEY BYTES", paths.Root);
        Assert.Equal("", leaked.Stdout);
    }
}
