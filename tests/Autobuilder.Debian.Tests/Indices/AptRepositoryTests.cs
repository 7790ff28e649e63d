using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Signing;
using Autobuilder.Debian.Tests.Signing;
using Autobuilder.Debian.Uploads;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

/// <summary>
/// The proof that our writers make a repository apt accepts: real .debs and a real source package,
/// indexes, Release, InRelease and Release.gpg written by our code, then the real apt-get update,
/// apt-cache and apt-get download against it through a file: URI.
/// </summary>
public sealed class AptRepositoryTests : IClassFixture<AptRepositoryTests.Keys>
{
    public sealed class Keys : IDisposable
    {
        public TestKey Archive { get; } = new("Archive <archive@example.org>");
        public TestKey Stranger { get; } = new("Stranger <stranger@example.org>");

        public void Dispose()
        {
            Archive.Dispose();
            Stranger.Dispose();
        }
    }

    private const string Suite = "autobuilder";
    private readonly Keys _keys;

    public AptRepositoryTests(Keys keys) => _keys = keys;

    /// <summary>A repository under <c>dir/repo</c>; returns the suite folder and the .deb built for "hello".</summary>
    private static (string Root, string SuiteDir, string HelloDeb, string Dsc) BuildRepository(TempDir dir, GpgSigner signer,
        IndexOptions? packagesOptions = null, bool acquireByHash = false)
    {
        var root = dir["repo"];
        var helloPool = Path.Combine(root, "pool/main/h/hello");
        var debs = new[]
        {
            TestPackages.BuildDeb(dir["build"], helloPool, "hello", "1.0-1", source: "hello"),
            TestPackages.BuildDeb(dir["build"], helloPool, "hello-doc", "1.0-1", architecture: "all", source: "hello"),
            TestPackages.BuildDeb(dir["build"], Path.Combine(root, "pool/main/o/other"), "other", "2.0"),
        };
        var dsc = TestPackages.BuildSource(helloPool, "hello", "1.0", native: false);

        var stanzas = debs.Select(d => PackagesEntry.FromControl(d.Control, Path.GetRelativePath(root, d.Deb), ChecksumSet.ComputeFile(d.Deb)));
        var sources = new[] { SourcesEntry.FromDsc(DscFile.Load(dsc), "pool/main/h/hello", ChecksumSet.ComputeFile(dsc), Path.GetFileName(dsc)) };

        var suiteDir = Path.Combine(root, "dists", Suite);
        var files = IndexFiles.Write(suiteDir, "main/binary-amd64/Packages", s => IndexWriter.Write(s, stanzas), packagesOptions)
            .Concat(IndexFiles.Write(suiteDir, "main/source/Sources", s => IndexWriter.Write(s, sources)))
            .ToList();
        if (acquireByHash)
            ByHash.Publish(suiteDir, files);
        var release = new ReleaseFile
        {
            Origin = "Autobuilder",
            Label = "Autobuilder",
            Suite = Suite,
            Codename = Suite,
            Date = DateTimeOffset.UtcNow,
            ValidUntil = DateTimeOffset.UtcNow.AddDays(7),
            AcquireByHash = acquireByHash,
            Architectures = ["amd64", "all"],
            Components = ["main"],
            Description = "Autobuilder test repository",
            Files = files,
        };
        ReleaseWriter.Write(suiteDir, release, signer);
        return (root, suiteDir, debs[0].Deb, dsc);
    }

    private static string[] Sources(string root, string keyring) =>
    [
        $"deb [signed-by={keyring}] file:{root} {Suite} main",
        $"deb-src [signed-by={keyring}] file:{root} {Suite} main",
    ];

    private static void AssertCleanUpdate(ToolResult update)
    {
        Assert.True(update.ExitCode == 0, $"apt-get update failed:\n{update.Stdout}\n{update.Stderr}");
        // apt reports problems it tolerates (weak digests, missing files) as "W:" lines.
        Assert.DoesNotContain("W:", update.Stderr);
        Assert.DoesNotContain("E:", update.Stderr);
    }

    [Fact]
    public void Should_let_apt_update_show_and_download_When_repository_is_written_and_signed_by_us()
    {
        using var dir = new TempDir();
        var (root, suiteDir, helloDeb, dsc) = BuildRepository(dir, _keys.Archive.Signer);
        using var apt = new AptSandbox(Sources(root, _keys.Archive.PublicKeyring));

        var update = apt.Update();

        AssertCleanUpdate(update);
        Assert.Contains("InRelease", update.Stdout);
        var policy = apt.Run("apt-cache", "policy", "hello").Ok().Stdout;
        Assert.Contains("Candidate: 1.0-1", policy);
        var show = apt.Run("apt-cache", "show", "hello-doc").Ok().Stdout;
        Assert.Contains("Filename: pool/main/h/hello/hello-doc_1.0-1_all.deb", show);
        Assert.Contains("Version: 2.0", apt.Run("apt-cache", "show", "other").Ok().Stdout);
        Assert.Contains("Directory: pool/main/h/hello", apt.Run("apt-cache", "showsrc", "hello").Ok().Stdout);

        apt.Run("apt-get", "download", "hello").Ok();
        Assert.Equal(File.ReadAllBytes(helloDeb), File.ReadAllBytes(Path.Combine(apt.Downloads, Path.GetFileName(helloDeb))));

        // apt-get source checks every file of the source package against the Sources stanza.
        apt.Run("apt-get", "source", "--download-only", "hello").Ok();
        Assert.Equal(File.ReadAllBytes(dsc), File.ReadAllBytes(Path.Combine(apt.Downloads, Path.GetFileName(dsc))));
        Assert.True(File.Exists(Path.Combine(apt.Downloads, "hello_1.0.orig.tar.gz")));

        // Our own verifier agrees with apt about the InRelease we wrote.
        var check = new Gpgv(_keys.Archive.PublicKeyring).VerifyClearSigned(Path.Combine(suiteDir, "InRelease"));
        Assert.Equal(SignatureStatus.Valid, check.Status);
        Assert.Equal(_keys.Archive.Fingerprint, check.Fingerprint);
        Assert.Equal(File.ReadAllBytes(Path.Combine(suiteDir, "Release")), check.SignedData);
    }

    [Fact]
    public void Should_let_apt_update_When_only_Release_and_Release_gpg_are_published()
    {
        using var dir = new TempDir();
        var (root, suiteDir, _, _) = BuildRepository(dir, _keys.Archive.Signer);
        File.Delete(Path.Combine(suiteDir, "InRelease"));
        using var apt = new AptSandbox(Sources(root, _keys.Archive.PublicKeyring));

        var update = apt.Update();

        AssertCleanUpdate(update);
        Assert.Contains("Release.gpg", update.Stdout);
        Assert.Contains("Candidate: 1.0-1", apt.Run("apt-cache", "policy", "hello").Ok().Stdout);
    }

    [Fact]
    public void Should_let_apt_update_When_uncompressed_Packages_is_listed_but_not_kept()
    {
        using var dir = new TempDir();
        var (root, suiteDir, _, _) = BuildRepository(dir, _keys.Archive.Signer, new IndexOptions { KeepUncompressed = false });
        Assert.False(File.Exists(Path.Combine(suiteDir, "main/binary-amd64/Packages")));
        Assert.Contains(ReleaseFile.Load(Path.Combine(suiteDir, "Release")).Files, f => f.Name == "main/binary-amd64/Packages");
        using var apt = new AptSandbox(Sources(root, _keys.Archive.PublicKeyring));

        var update = apt.Update();

        AssertCleanUpdate(update);
        Assert.Contains("Candidate: 2.0", apt.Run("apt-cache", "policy", "other").Ok().Stdout);
    }

    [Fact]
    public void Should_let_apt_update_When_indexes_exist_only_under_by_hash()
    {
        using var dir = new TempDir();
        var (root, suiteDir, _, _) = BuildRepository(dir, _keys.Archive.Signer, acquireByHash: true);
        // Remove the canonical names: apt can only succeed through by-hash/SHA256/<sum>.
        foreach (var index in Directory.GetFiles(suiteDir, "*", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(f).StartsWith("Packages", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("Sources", StringComparison.Ordinal)))
            File.Delete(index);
        using var apt = new AptSandbox(Sources(root, _keys.Archive.PublicKeyring));

        var update = apt.Update();

        AssertCleanUpdate(update);
        Assert.Contains("Candidate: 1.0-1", apt.Run("apt-cache", "policy", "hello").Ok().Stdout);
    }

    [Fact]
    public void Should_fail_apt_update_When_Packages_changes_after_signing()
    {
        using var dir = new TempDir();
        // Only the uncompressed index, so apt cannot take a compressed variant instead of the changed file.
        var (root, suiteDir, _, _) = BuildRepository(dir, _keys.Archive.Signer, new IndexOptions { Compressions = [] });
        var packages = Path.Combine(suiteDir, "main/binary-amd64/Packages");
        var bytes = File.ReadAllBytes(packages);
        var at = bytes.AsSpan().IndexOf("Version: 2.0"u8);
        Assert.True(at >= 0);
        bytes[at + "Version: ".Length] = (byte)'3'; // "Version: 3.0": same size, different content
        File.WriteAllBytes(packages, bytes);
        using var apt = new AptSandbox(Sources(root, _keys.Archive.PublicKeyring));

        var update = apt.Update();

        Assert.NotEqual(0, update.ExitCode);
        Assert.Contains("Hash Sum mismatch", update.Stdout + update.Stderr);
    }

    [Fact]
    public void Should_fail_apt_update_When_apt_does_not_have_the_signing_key()
    {
        using var dir = new TempDir();
        var (root, _, _, _) = BuildRepository(dir, _keys.Archive.Signer);
        using var apt = new AptSandbox(Sources(root, _keys.Stranger.PublicKeyring));

        var update = apt.Update();

        Assert.NotEqual(0, update.ExitCode);
        Assert.Contains($"NO_PUBKEY {_keys.Archive.KeyId}", update.Stdout + update.Stderr);
    }
}
