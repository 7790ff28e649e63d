using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Execution;
using Autobuilder.Silo.Execution.Sandbox;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Execution;

/// <summary>The local executor with a chroot-mode slot, against the real runner (no tarball needed: it stops at the first chroot check).</summary>
public sealed class LocalChrootExecutorTests : IDisposable
{
    private readonly TempDir _dir = new("ab-local-chroot-");

    [Fact]
    public async Task Should_run_the_runner_in_chroot_mode_with_the_slots_tarball_When_the_slot_is_in_chroot_mode()
    {
        // Arrange
        var dsc = new SourcePackage(Name: "ab-local-chroot").BuildSource(_dir["src"]);
        var files = Directory.GetFiles(_dir["src"]).Select(Path.GetFileName).Where(f => f != Path.GetFileName(dsc)).Select(f => f!).ToList();
        var tarballs = _dir["tarballs"];
        var slot = new SlotConfig("localhost", "chroot1", [SiloProcess.HostArchitecture], SlotConfig.LocalExecutor,
            Mode: SlotConfig.ChrootMode, ChrootTarballs: tarballs);
        var runner = BuildRunnerScript.WriteTo(_dir["bin/ab-build-runner"]);
        // Chroot mode keeps sbuild's own isolation: the sandbox of host mode is not used.
        var executor = new LocalBuildExecutor(slot, new DataPaths(_dir["var"]), runner, new BuildSandbox("/nonexistent/ab-build-sandbox", _dir["builds"], siloIsRoot: true));
        var build = new BuildRequest("bookworm/ab-local-chroot_1.0-1/1/" + SiloProcess.HostArchitecture, "bookworm/ab-local-chroot_1.0-1/1", "bookworm",
            "ab-local-chroot", "1.0-1", SiloProcess.HostArchitecture, BuildType.Any, 0, DateTimeOffset.UtcNow, Path.GetFileName(dsc), files, _dir["src"]);

        // Act
        var result = await executor.RunAsync(new BuildAssignment(build, 1, slot.Key), null, CancellationToken.None);

        // Assert
        Assert.Equal(BuildOutcome.InfrastructureError, result.Outcome);
        Assert.Equal($"no base tarball at {tarballs}/bookworm-{SiloProcess.HostArchitecture}.tar", result.Summary);
        Assert.Contains("mode=chroot", File.ReadAllText(result.LogPath));
    }

    public void Dispose() => _dir.Dispose();
}
