using System.Text;
using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests.Deb;

/// <summary>
/// 'deb scan' through both of its entries: the console, and the native-code entry the ./autobuilder
/// wrapper runs for it (here its IL build: the same code, which Native AOT compiles as it is).
/// </summary>
public class ScanCommandTests
{
    public static TheoryData<string> Entries => [Cli.Console, Cli.ScanEntry];

    private static void BuildPool(TempDir dir)
    {
        DebBuilder.Build(dir.Path, dir["pool/main/f/foo_1.0_amd64.deb"], DebBuilder.SampleControl("foo", "1.0"), "gzip");
        DebBuilder.Build(dir.Path, dir["pool/main/b/bar_2.0_all.deb"], DebBuilder.SampleControl("bar", "2.0", "all"), "xz");
        DebBuilder.Build(dir.Path, dir["pool/contrib/baz_3_amd64.deb"], DebBuilder.SampleControl("baz", "3"), "zstd");
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Should_print_what_apt_ftparchive_prints_When_scanning_a_folder(string entry)
    {
        using var dir = new TempDir();
        BuildPool(dir);

        var ours = Cli.RunIn(entry, dir.Path, "deb", "scan", "pool");

        Assert.Equal(0, ours.ExitCode);
        Assert.Equal("", ours.Stderr);
        Assert.Equal(Tool.Run("apt-ftparchive", ["packages", "pool"], workingDirectory: dir.Path).Ok().Stdout, ours.Stdout);
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Should_print_the_same_from_the_cache_When_run_twice_with_cache(string entry)
    {
        using var dir = new TempDir();
        BuildPool(dir);
        var foo = dir["pool/main/f/foo_1.0_amd64.deb"];

        var first = Cli.RunIn(entry, dir.Path, "deb", "scan", "pool", "--cache", "scan.cache").Ok();
        // Damage the file without changing size or mtime: the second run must not notice.
        var mtime = File.GetLastWriteTimeUtc(foo);
        File.WriteAllBytes(foo, new byte[new FileInfo(foo).Length]);
        File.SetLastWriteTimeUtc(foo, mtime);
        var second = Cli.RunIn(entry, dir.Path, "deb", "scan", "pool", "--cache", "scan.cache").Ok();
        var uncached = Cli.RunIn(entry, dir.Path, "deb", "scan", "pool");

        Assert.True(File.Exists(dir["scan.cache"]));
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal(2, uncached.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Should_leave_out_sha512_When_asked(string entry)
    {
        using var dir = new TempDir();
        BuildPool(dir);

        var ours = Cli.RunIn(entry, dir.Path, "deb", "scan", "--no-sha512", "pool").Ok();

        Assert.Equal(Tool.Run("apt-ftparchive", ["-o", "APT::FTPArchive::SHA512=false", "packages", "pool"], workingDirectory: dir.Path).Ok().Stdout,
            ours.Stdout);
    }

    private static readonly (string Kind, string Expected)[] BadDebs =
    [
        ("truncated", "truncated: member 'data.tar.xz'"),
        ("lz4", "unknown compression '.lz4'"),
        ("latin1", "field 'Maintainer': not valid UTF-8"),
        ("malformed", "expected 'Field: value'"),
        ("text", "not a .deb"),
    ];

    public static TheoryData<string, string, string> BadDebsByEntry()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var entry in new[] { Cli.Console, Cli.ScanEntry })
            foreach (var (kind, expected) in BadDebs)
                data.Add(entry, kind, expected);
        return data;
    }

    [Theory]
    [MemberData(nameof(BadDebsByEntry))]
    public void Should_exit_2_with_one_line_naming_the_file_When_a_deb_is_bad(string entry, string kind, string expected)
    {
        using var dir = new TempDir();
        var bad = dir["pool/bad.deb"];
        MakeBad(dir, kind, bad);

        var result = Cli.RunIn(entry, dir.Path, "deb", "scan", "pool");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("autobuilder: error: pool/bad.deb", line);
        Assert.Contains(expected, line);
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Should_exit_2_When_the_folder_does_not_exist(string entry)
    {
        using var dir = new TempDir();

        var result = Cli.RunIn(entry, dir.Path, "deb", "scan", "no-such-pool");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("autobuilder: error: no-such-pool: no such folder\n", result.Stderr);
    }

    [Theory]
    [InlineData("--cache=scan.cache", "pool")]
    [InlineData("--no-sha512", "pool", "--cache", "scan.cache")]
    public void Should_take_the_options_as_the_console_does_When_run_by_the_scan_entry(params string[] args)
    {
        using var dir = new TempDir();
        BuildPool(dir);

        var console = Cli.RunIn(Cli.Console, dir.Path, ["deb", "scan", .. args]).Ok();
        File.Delete(dir["scan.cache"]);
        var entry = Cli.RunIn(Cli.ScanEntry, dir.Path, ["deb", "scan", .. args]).Ok();

        Assert.Equal(console.Stdout, entry.Stdout);
        Assert.True(File.Exists(dir["scan.cache"]));
    }

    // The wrapper hands these to the console, which prints help or its usage error.
    [Theory]
    [InlineData("deb", "scan")]
    [InlineData("deb", "scan", "--help")]
    [InlineData("deb", "scan", "pool", "-h")]
    [InlineData("deb", "scan", "pool", "--cache")]
    [InlineData("deb", "scan", "pool", "--sha512")]
    [InlineData("deb", "scan", "pool", "other")]
    [InlineData("deb", "verify", "x.dsc")]
    public void Should_exit_64_without_output_When_the_scan_entry_does_not_take_the_arguments(params string[] args)
    {
        using var dir = new TempDir();
        BuildPool(dir);

        var result = Cli.RunIn(Cli.ScanEntry, dir.Path, args);

        Assert.Equal(64, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    private static void MakeBad(TempDir dir, string kind, string path)
    {
        switch (kind)
        {
            case "truncated":
                var good = DebBuilder.Build(dir.Path, dir["good/x.deb"], DebBuilder.SampleControl("x"), "xz");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, File.ReadAllBytes(good)[..^20]);
                break;
            case "lz4":
                DebBuilder.Build(dir.Path, path, DebBuilder.SampleControl("x"), "gzip");
                var bytes = File.ReadAllBytes(path);
                var at = Encoding.ASCII.GetString(bytes).IndexOf("control.tar.gz", StringComparison.Ordinal);
                Encoding.ASCII.GetBytes("control.tar.lz4 ").CopyTo(bytes, at);
                File.WriteAllBytes(path, bytes);
                break;
            case "latin1":
                DebBuilder.BuildRaw(dir.Path, path, [.. "Package: x\nMaintainer: Ren"u8, 0xE9, .. "\n"u8]);
                break;
            case "malformed":
                DebBuilder.BuildRaw(dir.Path, path, "Package: x\nno colon here\n");
                break;
            default:
                dir.Write("pool/bad.deb", "plain text\n");
                break;
        }
    }
}
