using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Signing;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// Packages dropped into repo-incoming as a build leaves them (real dpkg-deb and dpkg-genchanges),
/// published by the silo, and consumed by the real apt-get with signature checking.
/// </summary>
[Collection(StageCollection.Name)]
public sealed class StagePublishTests(StageFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    [Fact]
    public async Task Should_let_apt_update_and_install_with_the_exported_key_When_a_package_went_through_the_queue()
    {
        // Arrange
        var package = new StagePackage("ab-apt", Architectures: ["amd64", "i386"], WithAllPackage: true);
        StageQueue.Drop(Silo, package, fixture.Scratch);
        var details = await StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-apt", "1.0-1");
        using var apt = StageQueue.Apt(Silo, "extras-devel");
        using var root = new TempDir("ab-root-");

        // Act
        var update = apt.Update();
        var installed = StageQueue.DownloadAndInstall(apt, "ab-apt", root.Path);
        var installedData = StageQueue.DownloadAndInstall(apt, "ab-apt-data", root.Path);

        // Assert
        StageQueue.AssertCleanUpdate(update);
        Assert.Contains("InRelease", update.Stdout);
        Assert.Equal("1.0-1", installed);
        Assert.Equal("1.0-1", installedData);
        var summary = Assert.Single(details.Sources, s => s.Source == "ab-apt");
        Assert.Equal(["all", "amd64", "i386"], summary.Architectures);

        var suite = Path.Combine(StageQueue.Live(Silo, "extras-devel"), "dists", "bookworm");
        var release = ReleaseFile.Load(Path.Combine(suite, "Release"));
        Assert.Equal(("Autobuilder", "extras-devel", "bookworm", "bookworm"), (release.Origin, release.Label, release.Suite, release.Codename));
        Assert.True(release.AcquireByHash);
        Assert.Equal(["amd64", "i386"], release.Architectures);
        Assert.Equal(["main"], release.Components);
        foreach (var f in release.Files)
        {
            Assert.False(f.Md5 is null || f.Sha1 is null || f.Sha256 is null, $"{f.Name} lacks a sum in Release");
            // The uncompressed indices are listed (apt checks the decompressed data against them) but not served.
            var served = f.Name.EndsWith(".gz", StringComparison.Ordinal) || f.Name.EndsWith(".xz", StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(suite, ByHash.PathFor(f))) == served, $"{f.Name}: by-hash copy {(served ? "missing" : "served")}");
        }
        Assert.Contains(release.Files, f => f.Name == "main/binary-i386/Packages");
        Assert.Contains(release.Files, f => f.Name == "main/binary-i386/Packages.xz");
        var check = new Gpgv(StageQueue.Keyring(Silo, "extras-devel")).VerifyClearSigned(Path.Combine(suite, "InRelease"));
        Assert.Equal(SignatureStatus.Valid, check.Status);
        Assert.Equal(File.ReadAllBytes(Path.Combine(suite, "Release")), check.SignedData);
    }

    [Fact]
    public async Task Should_make_apt_update_fail_When_one_byte_of_a_published_Packages_index_changes()
    {
        // Arrange: a copy of the live tree (links kept), so the shared live tree stays intact.
        StageQueue.Drop(Silo, new StagePackage("ab-tamper"), fixture.Scratch);
        await StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-tamper", "1.0-1");
        using var copy = new TempDir("ab-tamper-");
        Tool.Run("cp", "-a", StageQueue.Live(Silo, "extras-devel"), copy["live"]).Ok();
        using (var intact = StageQueue.Apt(Silo, "extras-devel", liveRoot: copy["live"]))
            StageQueue.AssertCleanUpdate(intact.Update());
        var index = Path.Combine(copy["live"], "dists", "bookworm", "main", "binary-amd64");
        foreach (var variant in new[] { "Packages.gz", "Packages.xz" })
        {
            // In place, so the by-hash names (hard links to the same file) change too: whichever apt fetches is tampered.
            using var f = new FileStream(Path.Combine(index, variant), FileMode.Open, FileAccess.ReadWrite);
            f.Position = f.Length / 2;
            var b = f.ReadByte();
            f.Position = f.Length / 2;
            f.WriteByte((byte)(b ^ 0x20));
        }
        using var apt = StageQueue.Apt(Silo, "extras-devel", liveRoot: copy["live"]);

        // Act
        var update = apt.Update();

        // Assert
        Assert.NotEqual(0, update.ExitCode);
        Assert.Contains("Hash Sum mismatch", update.Stdout + update.Stderr);
    }

    [Fact]
    public async Task Should_install_from_the_target_When_a_complete_package_is_promoted()
    {
        // Arrange: one .changes per architecture, as the builder hands them off.
        StageQueue.Drop(Silo, new StagePackage("ab-promote", Architectures: ["amd64"], WithAllPackage: true), fixture.Scratch);
        StageQueue.Drop(Silo, new StagePackage("ab-promote", Architectures: ["i386"]), fixture.Scratch);
        await StageQueue.WaitAsync(Silo, "extras-devel/bookworm",
            d => d.Sources.Any(s => s.Source == "ab-promote" && s.Architectures.Count == 3), "holding ab-promote for all, amd64 and i386");

        // Act
        var result = AutobuilderCli.Run(Silo, "repo", "promote", "ab-promote", "1.0-1", "--from", "extras-devel", "--to", "extras-testing");

        // Assert
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("promoted ab-promote 1.0-1 (3 package(s)) from extras-devel/bookworm to extras-testing/bookworm", result.Stdout);
        await StageQueue.WaitForAsync(Silo, "extras-testing/bookworm", "ab-promote", "1.0-1");
        using var apt = StageQueue.Apt(Silo, "extras-testing");
        using var root = new TempDir("ab-root-");
        StageQueue.AssertCleanUpdate(apt.Update());
        Assert.Equal("1.0-1", StageQueue.DownloadAndInstall(apt, "ab-promote", root.Path));
        Assert.True(File.Exists(Path.Combine(StageQueue.Live(Silo, "extras-testing"), "pool/main/a/ab-promote/ab-promote_1.0-1_i386.deb")));
    }

    [Fact]
    public async Task Should_publish_Sources_that_apt_get_source_verifies_When_the_changes_carries_the_source()
    {
        // Arrange: a sourceful .changes (dpkg-source -b, then dpkg-genchanges -sa) goes to community-testing.
        var changes = StageQueue.Drop(Silo, new StagePackage("ab-source", Architectures: ["amd64", "i386"], WithSource: true), fixture.Scratch,
            repository: "community-testing");
        var details = await StageQueue.WaitForAsync(Silo, "community-testing/bookworm", "ab-source", "1.0-1");
        var live = StageQueue.Live(Silo, "community-testing");
        var keyring = StageQueue.Keyring(Silo, "community-testing");
        using var apt = new Debian.Tests.Indices.AptSandbox(
            $"deb [signed-by={keyring}] file:{live} bookworm main", $"deb-src [signed-by={keyring}] file:{live} bookworm main");

        // Act
        var update = apt.Update();
        var source = apt.Run("apt-get", "source", "--download-only", "ab-source");

        // Assert
        StageQueue.AssertCleanUpdate(update);
        Assert.True(source.ExitCode == 0, source.Stdout + source.Stderr);
        Assert.True(Assert.Single(details.Sources, s => s.Source == "ab-source").HasSource);
        var folder = Path.GetDirectoryName(changes)!;
        foreach (var name in new[] { "ab-source_1.0-1.dsc", "ab-source_1.0.orig.tar.gz", "ab-source_1.0-1.debian.tar.xz" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder, name)), File.ReadAllBytes(Path.Combine(apt.Downloads, name)));
        Assert.Contains("Directory: pool/main/a/ab-source", apt.Run("apt-cache", "showsrc", "ab-source").Ok().Stdout);
    }
}
