using System.Text;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Indices;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

public class PackageScannerTests
{
    internal static string Output(PackageScan scan)
    {
        using var ms = new MemoryStream();
        scan.WriteTo(ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    internal static string AptFtparchive(string workingDirectory, params string[] args) =>
        Tool.Run("apt-ftparchive", args, workingDirectory: workingDirectory).Ok().Stdout;

    /// <summary>A pool with one package per compression, in nested folders whose names sort in tricky byte order.</summary>
    internal static void BuildPool(TempDir dir)
    {
        DebBuilder.Build(dir.Path, dir["pool/main/f/foo/foo_1.2-3_amd64.deb"], DebBuilder.SampleControl("foo"), "gzip");
        DebBuilder.Build(dir.Path, dir["pool/main/b/bar/bar_2.0_all.deb"], DebBuilder.SampleControl("bar", "2.0", "all"), "xz");
        DebBuilder.Build(dir.Path, dir["pool/main/b-x/baz_1_amd64.deb"], DebBuilder.SampleControl("baz", "1"), "zstd");
        DebBuilder.Build(dir.Path, dir["pool/main/b.deb"], DebBuilder.SampleControl("plain", "0.1"), "none");
        dir.Write("pool/main/README.txt", "not a package");
        dir.Write("pool/main/UPPER.DEB", "apt only matches *.deb, case-sensitively");
    }


    [Fact]
    public void Should_print_what_apt_ftparchive_prints_When_scanning_a_pool_of_each_compression()
    {
        using var dir = new TempDir();
        BuildPool(dir);

        var ours = Output(PackageScanner.Scan(dir["pool"]));

        // Byte for byte: same stanzas in the same order, same fields in the same order and spelling.
        Assert.Equal(AptFtparchive(dir.Path, "packages", dir["pool"]), ours);
        Assert.Equal(4, ControlFile.Parse(ours, "ours").Count);
    }

    [Fact]
    public void Should_print_what_apt_ftparchive_prints_without_sha512_When_told_so()
    {
        using var dir = new TempDir();
        BuildPool(dir);

        var ours = Output(PackageScanner.Scan(dir["pool"], new PackageScanOptions { Sha512 = false }));

        Assert.Equal(AptFtparchive(dir.Path, "-o", "APT::FTPArchive::SHA512=false", "packages", dir["pool"]), ours);
        Assert.DoesNotContain("SHA512", ours);
    }

    [Fact]
    public void Should_rewrite_fields_as_apt_ftparchive_does_When_the_control_file_is_unusual()
    {
        using var dir = new TempDir();
        // Lower-case names, dpkg-database fields, stale Filename/Size/MD5sum, an empty Section,
        // the dpkg nickname Optional, an existing Description-md5 and unknown fields in odd places.
        DebBuilder.BuildRaw(dir.Path, dir["pool/odd.deb"], """
            x-first: comes first in the control file
            description: summary line
             body line
            package: odd
            status: install ok installed
            version: 1.0
            architecture: all
            section:
            priority: extra
            optional: something
            suggests: other
            filename: bogus/path.deb
            size: 1
            md5sum: 00000000000000000000000000000000
            maintainer: M <m@example.org>
            Description-md5: 0123456789abcdef0123456789abcdef
            Depends:
            XB-Last: last
            """.Replace("\r\n", "\n") + "\n");

        var ours = Output(PackageScanner.Scan(dir["pool"]));

        // One deliberate difference: apt-ftparchive passes a control file's Description-md5 on;
        // we drop it, as every field only an archive sets (issue 10: indices carry only what we computed).
        var apt = AptFtparchive(dir.Path, "packages", dir["pool"]);
        Assert.Contains("Description-md5: 0123456789abcdef0123456789abcdef\n", apt);
        Assert.Equal(apt.Replace("Description-md5: 0123456789abcdef0123456789abcdef\n", ""), ours);
        Assert.DoesNotContain("tatus", ours);
    }

    [Fact]
    public void Should_print_what_apt_ftparchive_prints_When_a_deb_is_too_big_to_read_into_memory()
    {
        using var dir = new TempDir();
        var random = new byte[17 << 20];
        new Random(42).NextBytes(random);
        Directory.CreateDirectory(dir["tree/usr/share/big"]);
        var files = new Dictionary<string, string> { ["usr/share/big/blob"] = Convert.ToBase64String(random) };
        DebBuilder.Build(dir.Path, dir["pool/big.deb"], DebBuilder.SampleControl("big"), "none", files);
        Assert.True(new FileInfo(dir["pool/big.deb"]).Length > 16 << 20);

        var ours = Output(PackageScanner.Scan(dir["pool"]));

        Assert.Equal(AptFtparchive(dir.Path, "packages", dir["pool"]), ours);
    }

    [Fact]
    public void Should_report_the_first_bad_deb_in_path_order_When_several_are_bad()
    {
        using var dir = new TempDir();
        DebBuilder.Build(dir.Path, dir["pool/a-good.deb"], DebBuilder.SampleControl("good"));
        dir.Write("pool/b-bad.deb", "not a deb");
        dir.Write("pool/c-bad.deb", "not a deb either");

        var ex = Assert.Throws<DebianFormatException>(() => PackageScanner.Scan(dir["pool"]));

        Assert.StartsWith(dir["pool/b-bad.deb"] + ": not a .deb", ex.Message);
    }

    [Fact]
    public void Should_not_read_a_deb_again_When_its_size_and_mtime_are_unchanged()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.Build(dir.Path, dir["pool/foo.deb"], DebBuilder.SampleControl("foo"));
        var cache = dir["scan.cache"];
        var first = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });
        var mtime = File.GetLastWriteTimeUtc(deb);
        // Same size, same mtime, different bytes: only a scan that skips the file keeps the old sums.
        var bytes = File.ReadAllBytes(deb);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(deb, bytes);
        File.SetLastWriteTimeUtc(deb, mtime);

        var second = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });

        Assert.Equal((1, 0), (first.Read, first.FromCache));
        Assert.Equal((0, 1), (second.Read, second.FromCache));
        Assert.Equal(Output(first), Output(second));
    }

    [Fact]
    public void Should_read_a_deb_again_When_its_mtime_changed()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.Build(dir.Path, dir["pool/foo.deb"], DebBuilder.SampleControl("foo"));
        var cache = dir["scan.cache"];
        var first = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });
        DebBuilder.Build(dir.Path, deb, DebBuilder.SampleControl("foo", "9.9"));
        File.SetLastWriteTimeUtc(deb, File.GetLastWriteTimeUtc(deb).AddSeconds(5));

        var second = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });

        Assert.Equal((1, 0), (second.Read, second.FromCache));
        Assert.Equal("9.9", second.Packages[0].ToParagraph()["Version"]);
        Assert.Equal(AptFtparchive(dir.Path, "packages", dir["pool"]), Output(second));
        Assert.NotEqual(Output(first), Output(second));
    }

    [Fact]
    public void Should_drop_a_deb_from_the_cache_When_the_file_is_gone()
    {
        using var dir = new TempDir();
        DebBuilder.Build(dir.Path, dir["pool/a.deb"], DebBuilder.SampleControl("a"));
        DebBuilder.Build(dir.Path, dir["pool/b.deb"], DebBuilder.SampleControl("b"));
        var cache = dir["scan.cache"];
        PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });
        var b = File.ReadAllBytes(dir["pool/b.deb"]);
        var bTime = File.GetLastWriteTimeUtc(dir["pool/b.deb"]);
        File.Delete(dir["pool/b.deb"]);

        var without = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });
        // Put b back as it was: had its entry survived, it would now come from the cache.
        File.WriteAllBytes(dir["pool/b.deb"], b);
        File.SetLastWriteTimeUtc(dir["pool/b.deb"], bTime);
        var back = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });

        Assert.Equal((1, 1), (without.Packages.Count, without.Dropped));
        Assert.Equal(["a.deb"], without.Packages.Select(p => p.RelativePath));
        Assert.False(back.Packages.Single(p => p.RelativePath == "b.deb").FromCache);
        Assert.True(back.Packages.Single(p => p.RelativePath == "a.deb").FromCache);
    }

    [Fact]
    public void Should_keep_cached_stanzas_valid_When_the_folder_is_named_differently()
    {
        using var dir = new TempDir();
        DebBuilder.Build(dir.Path, dir["pool/sub/foo.deb"], DebBuilder.SampleControl("foo"));
        var cache = dir["scan.cache"];
        PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });

        var again = PackageScanner.Scan(dir["pool"] + "/", new PackageScanOptions { CacheFile = cache });

        Assert.True(again.Packages[0].FromCache);
        Assert.Equal(dir["pool"] + "/sub/foo.deb", again.Packages[0].Filename);
        Assert.Equal(AptFtparchive(dir.Path, "packages", dir["pool"] + "/"), Output(again));
    }

    [Fact]
    public void Should_ignore_the_cache_When_it_is_corrupt()
    {
        using var dir = new TempDir();
        DebBuilder.Build(dir.Path, dir["pool/foo.deb"], DebBuilder.SampleControl("foo"));
        var cache = dir.Write("scan.cache", "garbage that is not a cache");

        var scan = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });
        var again = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });

        Assert.Equal(1, scan.Read);
        Assert.Equal(1, again.FromCache);
    }

    [Fact]
    public void Should_keep_earlier_entries_When_the_last_append_to_the_cache_was_cut_short()
    {
        using var dir = new TempDir();
        DebBuilder.Build(dir.Path, dir["pool/a.deb"], DebBuilder.SampleControl("a"));
        var cache = dir["scan.cache"];
        PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });
        var fullSize = new FileInfo(cache).Length;
        DebBuilder.Build(dir.Path, dir["pool/b.deb"], DebBuilder.SampleControl("b"));
        PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache }); // appends b
        // A crash in the middle of that append: b's record is incomplete.
        using (var f = new FileStream(cache, FileMode.Open))
            f.SetLength(f.Length - 10);

        var scan = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });
        var again = PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });

        Assert.Equal([true, false], scan.Packages.Select(p => p.FromCache));
        Assert.Equal([true, true], again.Packages.Select(p => p.FromCache));
        Assert.True(new FileInfo(cache).Length > fullSize);
    }

    [Fact]
    public void Should_compact_the_cache_When_most_of_it_is_superseded_records()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.Build(dir.Path, dir["pool/a.deb"], DebBuilder.SampleControl("a"));
        var cache = dir["scan.cache"];
        PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });
        var oneEntry = new FileInfo(cache).Length;
        var sizes = new List<long>();

        for (var i = 1; i <= 40; i++)
        {
            File.SetLastWriteTimeUtc(deb, DateTime.UtcNow.AddMinutes(i));
            PackageScanner.Scan(dir["pool"], new PackageScanOptions { CacheFile = cache });
            sizes.Add(new FileInfo(cache).Length);
        }

        Assert.True(sizes[0] > oneEntry, "a change is appended");
        Assert.Contains(oneEntry, sizes);
        Assert.True(sizes.Max() < 20 * oneEntry);
    }
}
