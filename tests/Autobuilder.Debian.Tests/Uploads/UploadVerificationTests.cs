using Autobuilder.Debian.Uploads;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Uploads;

/// <summary>.dsc and .changes files made by the real dpkg-source and dpkg-genchanges.</summary>
public class UploadVerificationTests
{
    [Fact]
    public void Should_parse_and_verify_a_dsc_made_by_dpkg_source()
    {
        using var dir = new TempDir();
        var dsc = new SourcePackage(Name: "hello-ab", UpstreamVersion: "1.0", Revision: "2").BuildSource(dir.Path);

        var parsed = DscFile.Load(dsc);

        Assert.Equal("hello-ab", parsed.Source);
        Assert.Equal("1.0-2", parsed.Version);
        Assert.Equal("3.0 (quilt)", parsed.Format);
        Assert.Equal("any", parsed.Architecture);
        Assert.Equal(["hello-ab_1.0.orig.tar.gz", "hello-ab_1.0-2.debian.tar.xz"], parsed.Files.Select(f => f.Name));
        Assert.All(parsed.Files, f => Assert.True(f.Md5 is not null && f.Sha1 is not null && f.Sha256 is not null));
        Assert.Empty(UploadFileVerifier.Verify(parsed, dir.Path));
    }

    [Fact]
    public void Should_verify_a_source_changes_made_by_dpkg_genchanges()
    {
        using var dir = new TempDir();
        var changes = new SourcePackage(Name: "hello-ch").BuildSourceChanges(dir.Path);

        var parsed = ChangesFile.Load(changes);

        Assert.Equal("hello-ch", parsed.Source);
        Assert.Equal(["source"], parsed.Architectures);
        Assert.Contains(parsed.Files, f => f.Name == "hello-ch_1.0-1.dsc" && f.Section == "misc" && f.Priority == "optional");
        Assert.Empty(UploadFileVerifier.Verify(parsed, dir.Path));
    }

    [Fact]
    public void Should_name_file_field_expected_and_actual_When_one_byte_of_a_tarball_changes()
    {
        using var dir = new TempDir();
        var dsc = DscFile.Load(new SourcePackage().BuildSource(dir.Path));
        var orig = dir["hello-ab_1.0.orig.tar.gz"];
        var bytes = File.ReadAllBytes(orig);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(orig, bytes);

        var problems = UploadFileVerifier.Verify(dsc, dir.Path);

        Assert.Equal(["Files (MD5)", "Checksums-Sha1", "Checksums-Sha256"], problems.Select(p => p.Field));
        Assert.All(problems, p => Assert.Equal("hello-ab_1.0.orig.tar.gz", p.FileName));
        var sha256 = problems.Single(p => p.Field == "Checksums-Sha256");
        Assert.Equal(dsc.Files[0].Sha256, sha256.Expected);
        Assert.Equal(Tool.Run("sha256sum", orig).Ok().Stdout[..64], sha256.Actual);
        Assert.Contains(sha256.Expected!, sha256.Message);
        Assert.Contains(sha256.Actual!, sha256.Message);
    }

    [Fact]
    public void Should_report_missing_and_wrong_size_files()
    {
        using var dir = new TempDir();
        var dsc = DscFile.Load(new SourcePackage().BuildSource(dir.Path));
        File.Delete(dir["hello-ab_1.0.orig.tar.gz"]);
        File.AppendAllText(dir["hello-ab_1.0-1.debian.tar.xz"], "x");

        var problems = UploadFileVerifier.Verify(dsc, dir.Path);

        Assert.Equal(2, problems.Count);
        Assert.Contains("missing", problems[0].Message);
        Assert.Equal("Size", problems[1].Field);
        Assert.Contains("size mismatch", problems[1].Message);
    }

    [Fact]
    public void Should_refuse_a_path_in_a_file_name_before_touching_any_file()
    {
        using var dir = new TempDir();
        var dscPath = new SourcePackage().BuildSource(dir.Path);
        var text = File.ReadAllText(dscPath).Replace("hello-ab_1.0.orig.tar.gz", "../../etc/passwd");
        File.WriteAllText(dscPath, text);

        var problems = UploadFileVerifier.Verify(DscFile.Load(dscPath), dir.Path);

        var p = Assert.Single(problems);
        Assert.Contains("unsafe file name", p.Message);
        Assert.Contains("path separator", p.Message);
    }

    [Fact]
    public void Should_refuse_a_symbolic_link_in_place_of_a_file()
    {
        using var dir = new TempDir();
        var dsc = DscFile.Load(new SourcePackage().BuildSource(dir.Path));
        var orig = dir["hello-ab_1.0.orig.tar.gz"];
        File.Move(orig, dir["elsewhere"]);
        File.CreateSymbolicLink(orig, dir["elsewhere"]);

        var problems = UploadFileVerifier.Verify(dsc, dir.Path);

        Assert.Contains("symbolic link", Assert.Single(problems).Message);
    }

    [Fact]
    public void Should_report_inconsistent_checksum_fields_as_a_format_error()
    {
        using var dir = new TempDir();
        var dscPath = new SourcePackage().BuildSource(dir.Path);
        var lines = File.ReadAllLines(dscPath).ToList();
        var sha1 = lines.FindIndex(l => l == "Checksums-Sha1:");
        lines.RemoveAt(sha1 + 1);
        File.WriteAllLines(dscPath, lines);

        var ex = Assert.Throws<DebianFormatException>(() => DscFile.Load(dscPath));

        Assert.Contains("Checksums-Sha1 does not list 'hello-ab_1.0.orig.tar.gz'", ex.Message);
    }

    [Fact]
    public void Should_read_a_clear_signed_dsc()
    {
        using var dir = new TempDir();
        using var gnupg = new TempDir("ab-gpg-");
        var dscPath = new SourcePackage().BuildSource(dir.Path);
        var env = new Dictionary<string, string> { ["GNUPGHOME"] = gnupg.Path };
        Tool.Run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", "Test <t@example.org>", "ed25519", "sign", "never"], environment: env).Ok();
        Tool.Run("gpg", ["--batch", "--yes", "--clearsign", "--output", dscPath + ".asc", dscPath], environment: env).Ok();

        var signed = DscFile.Load(dscPath + ".asc");

        Assert.True(signed.File.IsSigned);
        Assert.Equal(File.ReadAllText(dscPath), signed.File.Signed!.SignedText);
        Assert.Equal(DscFile.Load(dscPath).Files, signed.Files);
    }
}
