using Autobuilder.BuildRunner;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Execution.Ssh;
using Autobuilder.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Tests.Ssh;

/// <summary>The SSH executor called directly (no silo) against the farm's real sshd on host A.</summary>
[Collection(SshFarmCollection.Name)]
public sealed class SshExecutorTests(SshFarmFixture farm) : IDisposable
{
    private const string User = "abslot1";
    private readonly TempDir _dir = new("ab-ssh-exec-");
    private readonly AutobuilderOptions _options = new() { Ssh = new SshOptions { ConnectTimeoutSeconds = 5, SilenceTimeoutSeconds = 60 } };

    private SshBuildExecutor Executor(SshConnectionPool pool, string? hostKey = null, int? port = null, string mode = SlotConfig.HostMode,
        string? chrootTarballs = null) =>
        new(new SlotConfig("direct", User, [SiloProcess.HostArchitecture], SlotConfig.SshExecutor, "127.0.0.1", port ?? farm.HostA.Port,
                hostKey ?? farm.HostA.HostKeySha256, farm.Keys[User].PrivateKeyFile, mode, chrootTarballs),
            new DataPaths(_dir["var"]), pool, _options.Ssh, NullLogger<SshBuildExecutor>.Instance);

    private SshConnectionPool Pool() => new(Options.Create(_options));

    private static BuildAssignment Assignment(string source, string dsc, IReadOnlyList<string> files, string architecture, string id = "bookworm/x_1/1") =>
        new(new BuildRequest($"{id}/{architecture}", id, "bookworm", "x", "1", architecture, BuildType.Binary, 0, DateTimeOffset.UtcNow, dsc, files, source),
            1, "direct/" + User);

    [Fact]
    public async Task Should_build_copy_the_results_back_and_remove_the_remote_folder_When_the_package_is_good()
    {
        // Arrange
        var dsc = new SourcePackage(Name: "ab-direct").BuildSource(_dir["src"]);
        var files = Directory.GetFiles(_dir["src"]).Select(Path.GetFileName).Where(f => f != Path.GetFileName(dsc)).ToList();
        using var pool = Pool();
        var lines = new List<string>();

        // Act
        var result = await Executor(pool).RunAsync(Assignment(_dir["src"], Path.GetFileName(dsc), files!, SiloProcess.HostArchitecture),
            l => { lock (lines) lines.Add(l); }, CancellationToken.None);

        // Assert
        Assert.Equal(BuildOutcome.Success, result.Outcome);
        Assert.Contains(result.Files, f => f.EndsWith(".deb", StringComparison.Ordinal));
        foreach (var f in result.Files)
            Assert.True(File.Exists(Path.Combine(result.ResultsFolder, f)), $"{f} not copied back");
        Assert.Contains(lines, l => l.Contains("=== build ===", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(UnixUser.Home(User), "autobuilder", "direct_" + User)));
    }

    [Fact]
    public async Task Should_run_nothing_injected_When_names_and_values_are_full_of_shell_metacharacters()
    {
        // Arrange: every value the executor puts on the remote command line or in a remote path
        // tries to run "touch"; verification would reject most of them, the executor must not care.
        var marker = "pwn-" + Guid.NewGuid().ToString("N")[..8];
        var source = _dir["evil"];
        Directory.CreateDirectory(source);
        string[] names =
        [
            $"x';cd;touch {marker}-q;'.dsc", $"$(cd;touch {marker}-d).orig.tar.gz", $"`cd;touch {marker}-b`.debian.tar.xz",
            $"a;cd;touch {marker}-s", $"a&&cd&&touch {marker}-a", $"a|touch {marker}-p", $"a\"b*?[x]{{y}}~!#<>$IFS{marker}",
            "plain_1.dsc",
        ];
        foreach (var name in names)
            File.WriteAllText(Path.Combine(source, name), "not a package\n");
        var home = UnixUser.Home(User);
        using var pool = Pool();
        var executor = Executor(pool);

        // Act
        var badName = await executor.RunAsync(Assignment(source, names[0], names[1..], SiloProcess.HostArchitecture, $"bookworm/$(touch {marker}-id)_1/1"),
            null, CancellationToken.None);
        var badArch = await executor.RunAsync(Assignment(source, "plain_1.dsc", names[..^1], $"{SiloProcess.HostArchitecture}';touch /tmp/{marker}-arch;'"),
            null, CancellationToken.None);

        // Assert: the runner got each value literally and refused it; nothing ran.
        Assert.Equal(BuildOutcome.BadSource, badName.Outcome);
        Assert.Contains("refusing .dsc name", File.ReadAllText(badName.LogPath));
        Assert.Equal(BuildOutcome.InfrastructureError, badArch.Outcome);
        Assert.Contains("--arch must be a Debian architecture name", File.ReadAllText(badArch.LogPath));
        var created = Directory.EnumerateFiles(home, $"*{marker}*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles("/tmp", $"*{marker}*"))
            .Concat(Directory.EnumerateFiles(Environment.CurrentDirectory, $"*{marker}*")).ToList();
        Assert.Empty(created);
    }

    [Fact]
    public async Task Should_refuse_before_connecting_When_a_file_name_is_not_a_plain_name()
    {
        // Arrange
        using var pool = Pool();
        var assignment = Assignment(_dir.Path, "ok_1.dsc", ["a\nb.tar.gz"], SiloProcess.HostArchitecture);

        // Act + Assert
        var ex = await Assert.ThrowsAsync<UnsafeFileNameException>(() => Executor(pool).RunAsync(assignment, null, CancellationToken.None));
        Assert.Contains("control character", ex.Message);
    }

    [Fact]
    public async Task Should_say_host_unreachable_naming_both_keys_When_the_host_key_is_not_the_pinned_one()
    {
        // Arrange: host A answers, but host B's key is pinned.
        using var pool = Pool();
        var executor = Executor(pool, hostKey: farm.HostB.HostKeySha256);

        // Act
        var problem = await executor.ProbeAsync(CancellationToken.None);
        var ex = await Assert.ThrowsAsync<HostUnreachableException>(() =>
            executor.RunAsync(Assignment(_dir.Path, "ok_1.dsc", [], SiloProcess.HostArchitecture), null, CancellationToken.None));

        // Assert
        Assert.NotNull(problem);
        Assert.Contains($"host key {farm.HostA.HostKeySha256} is not the pinned {farm.HostB.HostKeySha256}", problem);
        Assert.Contains("not the pinned", ex.Message);
    }

    [Fact]
    public async Task Should_say_connection_refused_When_nothing_listens()
    {
        // Arrange: a port that was free a moment ago.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var pool = Pool();

        // Act
        var problem = await Executor(pool, port: port).ProbeAsync(CancellationToken.None);

        // Assert
        Assert.Equal($"{User}@127.0.0.1:{port}: connection refused", problem);
    }

    [Fact]
    public async Task Should_take_the_host_for_dead_When_the_build_is_silent_past_the_timeout()
    {
        // Arrange: a build step silent for 30 s, a silence timeout of 2 s.
        var dsc = new SourcePackage(Name: "ab-silent", RulesBuild: "sleep 30").BuildSource(_dir["silent"]);
        var files = Directory.GetFiles(_dir["silent"]).Select(Path.GetFileName).Where(f => f != Path.GetFileName(dsc)).ToList();
        _options.Ssh.SilenceTimeoutSeconds = 2;
        using var pool = Pool();
        var started = DateTime.UtcNow;

        // Act
        var ex = await Assert.ThrowsAsync<HostUnreachableException>(() => Executor(pool).RunAsync(
            Assignment(_dir["silent"], Path.GetFileName(dsc), files!, SiloProcess.HostArchitecture), null, CancellationToken.None));

        // Assert
        Assert.Contains("no output from the build for 2 s", ex.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(25), "the executor waited for the silent build to end");
    }

    [Fact]
    public async Task Should_run_the_runner_in_chroot_mode_with_the_slots_tarball_When_the_slot_is_in_chroot_mode()
    {
        // Arrange: a tarball folder with nothing in it, so the runner stops at its first chroot check.
        var dsc = new SourcePackage(Name: "ab-ssh-chroot").BuildSource(_dir["chroot-src"]);
        var files = Directory.GetFiles(_dir["chroot-src"]).Select(Path.GetFileName).Where(f => f != Path.GetFileName(dsc)).ToList();
        var tarballs = _dir["no-tarballs"];
        using var pool = Pool();

        // Act
        var result = await Executor(pool, mode: SlotConfig.ChrootMode, chrootTarballs: tarballs).RunAsync(
            Assignment(_dir["chroot-src"], Path.GetFileName(dsc), files!, SiloProcess.HostArchitecture), null, CancellationToken.None);

        // Assert
        Assert.Equal(BuildOutcome.InfrastructureError, result.Outcome);
        Assert.Equal($"no base tarball at {tarballs}/bookworm-{SiloProcess.HostArchitecture}.tar", result.Summary);
        Assert.Contains("mode=chroot", File.ReadAllText(result.LogPath));
    }

    [Fact]
    public async Task Should_reuse_the_connection_When_a_slot_connects_twice()
    {
        // Arrange
        using var pool = Pool();
        var target = new SshTarget("127.0.0.1", farm.HostA.Port, User, farm.Keys[User].PrivateKeyFile, farm.HostA.HostKeySha256);
        var (first, firstReused) = await pool.RentAsync(target, CancellationToken.None);
        pool.Return(first, healthy: true);

        // Act
        var (second, secondReused) = await pool.RentAsync(target, CancellationToken.None);
        pool.Return(second, healthy: false);
        var (third, thirdReused) = await pool.RentAsync(target, CancellationToken.None);
        pool.Return(third, healthy: true);

        // Assert
        Assert.False(firstReused);
        Assert.True(secondReused);
        Assert.Same(first, second);
        Assert.False(thirdReused);
        Assert.NotSame(second, third);
    }

    public void Dispose() => _dir.Dispose();
}
