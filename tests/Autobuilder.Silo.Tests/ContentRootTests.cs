using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>
/// A silo started from the root folder (nsenter into a mount namespace resets the working directory
/// to "/"; a service manager's default is "/" too) watches its install folder, not the file system:
/// the host watches its content root and every folder below it, and the cluster tests' garage, its
/// content root "/", walked every folder of the machine before its first log line (over 3 minutes at load 90).
/// </summary>
public sealed class ContentRootTests
{
    [Fact]
    public async Task Should_watch_only_its_install_folder_When_the_silo_is_started_from_the_root_folder()
    {
        // Arrange
        using var root = new TempDir("ab-content-root-");
        await using var silo = new SiloProcess(root["var"]) { Launcher = ["/usr/bin/env", "--chdir=/"], StartTimeout = TimeSpan.FromMinutes(3) };

        // Act
        await silo.StartAsync();

        // Assert: every inotify watch the process holds, one per folder watched.
        var pid = silo.ProcessId!.Value;
        var watches = Directory.GetFiles($"/proc/{pid}/fd")
            .Where(fd => new FileInfo(fd).LinkTarget == "anon_inode:inotify")
            .Sum(fd => File.ReadLines($"/proc/{pid}/fdinfo/{Path.GetFileName(fd)}").Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)));
        // Its install folder (the content root) and its own data root (intake watches incoming): a walk
        // of "/" was tens of thousands.
        var installFolders = Directory.GetDirectories(AppContext.BaseDirectory, "*", SearchOption.AllDirectories).Length + 1;
        var dataFolders = Directory.GetDirectories(silo.DataRoot, "*", SearchOption.AllDirectories).Length + 1;
        Assert.True(watches <= installFolders + dataFolders,
            $"the silo started from / holds {watches} inotify watches; its install folder has {installFolders} folders and its data root {dataFolders} (it watches more than those)");
        Assert.Equal("/", new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget);
    }
}
