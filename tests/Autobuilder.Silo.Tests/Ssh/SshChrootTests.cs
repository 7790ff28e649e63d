using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Execution.Ssh;
using Autobuilder.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Autobuilder.Silo.Tests.Ssh;

/// <summary>
/// A real chroot build over SSH, as an unprivileged slot user (sbuild's unshare mode on that user's
/// subordinate ids), with the cached base tarball of the chroot tests. Category Chroot (see README).
/// </summary>
[Trait("Category", "Chroot")]
[Collection(SshFarmCollection.Name)]
public sealed class SshChrootTests(SshFarmFixture farm, ChrootFixture chroot, ITestOutputHelper output) : IClassFixture<ChrootFixture>, IDisposable
{
    private const string User = "abslot2";
    private readonly TempDir _dir = new("ab-ssh-chroot-");

    [Fact]
    public async Task Should_build_in_a_chroot_as_the_slot_user_and_copy_the_results_back_When_the_slot_is_in_chroot_mode()
    {
        // Arrange: a build-dependency the host lacks, which the build needs.
        var dsc = new SourcePackage(Name: "ab-ssh-chroot", BuildDepends: "libpopt-dev", RulesBuild: "test -f /usr/include/popt.h").BuildSource(_dir["src"]);
        var files = Directory.GetFiles(_dir["src"]).Select(Path.GetFileName).Where(f => f != Path.GetFileName(dsc)).Select(f => f!).ToList();
        var options = new AutobuilderOptions { Ssh = new SshOptions { ConnectTimeoutSeconds = 5, SilenceTimeoutSeconds = 300 } };
        using var pool = new SshConnectionPool(Options.Create(options));
        var slot = new SlotConfig("chroothost", User, [chroot.Architecture], SlotConfig.SshExecutor, "127.0.0.1", farm.HostA.Port,
            farm.HostA.HostKeySha256, farm.Keys[User].PrivateKeyFile, SlotConfig.ChrootMode, chroot.Folder);
        var executor = new SshBuildExecutor(slot, new DataPaths(_dir["var"]), pool, options.Ssh, NullLogger<SshBuildExecutor>.Instance);
        var build = new BuildRequest($"bookworm/ab-ssh-chroot_1.0-1/1/{chroot.Architecture}", "bookworm/ab-ssh-chroot_1.0-1/1", chroot.Distribution,
            "ab-ssh-chroot", "1.0-1", chroot.Architecture, BuildType.Any, 0, DateTimeOffset.UtcNow, Path.GetFileName(dsc), files, _dir["src"]);
        var lines = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Act
        var result = await executor.RunAsync(new BuildAssignment(build, 1, slot.Key), l => { lock (lines) lines.Add(l); }, CancellationToken.None);

        // Assert
        output.WriteLine($"chroot build over SSH: {clock.Elapsed.TotalSeconds:0} s; tarball {(chroot.Made == TimeSpan.Zero ? "reused" : $"made in {chroot.Made.TotalSeconds:0} s")}");
        var log = File.ReadAllText(result.LogPath);
        Assert.True(result.Outcome == BuildOutcome.Success, $"outcome {result.Outcome} ({result.Summary}); log:\n{log[^Math.Min(log.Length, 4000)..]}");
        Assert.Contains($"ab-ssh-chroot_1.0-1_{chroot.Architecture}.deb", result.Files);
        Assert.All(result.Files, f => Assert.True(File.Exists(Path.Combine(result.ResultsFolder, f)), $"{f} not copied back"));
        Assert.Contains(lines, l => l.Contains("Unpacking libpopt-dev", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"sbuild (Debian sbuild)", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(UnixUser.Home(User), "autobuilder", "chroothost_" + User)));
    }

    public void Dispose() => _dir.Dispose();
}
