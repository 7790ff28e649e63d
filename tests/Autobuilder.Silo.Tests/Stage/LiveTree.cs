using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Signing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>Checks that what apt can reach of a live distribution is one complete, signed, self-consistent generation.</summary>
public static class LiveTree
{
    /// <returns>The generation folder dists/&lt;product&gt; points at, and the packages its amd64 index lists.</returns>
    public static (string Folder, IReadOnlyList<PackagesEntry> Packages) AssertConsistent(string live, string product, string keyring)
    {
        var link = new DirectoryInfo(Path.Combine(live, "dists", product));
        Assert.NotNull(link.LinkTarget);
        var folder = link.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        Assert.False(folder.EndsWith(".partial", StringComparison.Ordinal), $"live points at an unfinished folder {folder}");

        var check = new Gpgv(keyring).VerifyClearSigned(Path.Combine(folder, "InRelease"));
        Assert.Equal(SignatureStatus.Valid, check.Status);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "Release")), check.SignedData);
        var release = ReleaseFile.Load(Path.Combine(folder, "Release"));
        foreach (var f in release.Files)
        {
            var path = Path.Combine(folder, f.Name);
            if (Compressions.FromFileName(f.Name) == CompressionKind.None)
            {
                // Listed, not served (as in Debian's archive): its sums must be those of the .gz decompressed.
                Assert.False(File.Exists(path), $"{f.Name} is served, but the stage publishes only the compressed indices");
                Assert.True(f.Sha256 == ChecksumSet.Compute(Decompressed(path + ".gz")).Sha256,
                    $"{folder}/{f.Name}.gz does not decompress to the size and SHA-256 its Release lists ({f.Size} bytes, {f.Sha256})");
                continue;
            }
            Assert.True(File.Exists(path), $"{f.Name} is listed in the live Release but missing");
            Assert.Equal(f.Sha256, ChecksumSet.ComputeFile(path).Sha256);
            Assert.Equal(f.Sha256, ChecksumSet.ComputeFile(Path.Combine(folder, ByHash.PathFor(f))).Sha256);
        }
        using var index = Decompressed(Path.Combine(folder, "main", "binary-amd64", "Packages.gz"));
        var packages = PackagesEntry.ReadAll(index, "live Packages.gz");
        foreach (var p in packages)
        {
            var deb = Path.Combine(live, p.Filename);
            Assert.True(File.Exists(deb), $"{p.Filename} is listed in the live index but not in the live pool");
            Assert.Equal(p.Sha256, ChecksumSet.ComputeFile(deb).Sha256);
        }
        return (folder, packages);
    }

    /// <summary>A compressed index's content, decompressed by the real gzip or xz (each reads every member or block).</summary>
    public static MemoryStream Decompressed(string path) =>
        new(Autobuilder.Testing.Tool.RunBytes(Compressions.FromFileName(path) == CompressionKind.Xz ? "xz" : "gzip", ["-dc", path]));
}
