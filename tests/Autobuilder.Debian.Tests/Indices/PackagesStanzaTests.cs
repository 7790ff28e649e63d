using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Indices;

namespace Autobuilder.Debian.Tests.Indices;

public class PackagesStanzaTests
{
    private static readonly ChecksumSet Sums = ChecksumSet.Compute("deb"u8);

    [Fact]
    public void Should_put_known_fields_in_apt_order_and_unknown_ones_last_When_given_a_control_paragraph()
    {
        var control = ControlFile.ParseSingle("X-B: b\nDescription: d\nVersion: 1\nPackage: p\nX-A: a\nDepends: q\n", "t");

        var stanza = PackagesStanza.FromDeb(control, "pool/p.deb", Sums, sha512: null, "p.deb");

        Assert.Equal(["Package", "Version", "Depends", "Filename", "Size", "MD5sum", "SHA1", "SHA256", "Description", "X-B", "X-A"],
            stanza.Select(f => f.Name));
        Assert.Equal("pool/p.deb", stanza["Filename"]);
        Assert.Equal("3", stanza["Size"]);
    }

    [Fact]
    public void Should_name_the_deb_When_the_package_field_is_missing()
    {
        var control = ControlFile.ParseSingle("Version: 1\n", "t");

        var ex = Assert.Throws<DebianFormatException>(() => PackagesStanza.FromDeb(control, "x.deb", Sums, null, "pool/x.deb"));

        Assert.Equal("pool/x.deb (control): required field 'Package' is missing", ex.Message);
    }

    [Fact]
    public void Should_write_our_sums_and_no_archive_field_of_the_control_file_When_it_forges_them()
    {
        // Given: a control paragraph that sets what only the archive may set.
        var forged = new string('f', 128);
        var control = ControlFile.ParseSingle(
            $"Package: p\nVersion: 1\nFilename: ../../etc/passwd\nSize: 1\nMD5sum: {new string('a', 32)}\nSHA1: {new string('b', 40)}\n" +
            $"SHA256: {new string('c', 64)}\nsha512: {forged}\nDescription-md5: {new string('d', 32)}\nPhased-Update-Percentage: 0\n" +
            "Status: install ok installed\nDescription: d\n", "t");

        // When: once without a SHA-512 of our own, once with.
        var without = PackagesStanza.FromDeb(control, "pool/p.deb", Sums, sha512: null, "p.deb");
        var with = PackagesStanza.FromDeb(control, "pool/p.deb", Sums, sha512: new string('0', 128), "p.deb");

        // Then
        Assert.Equal(["Package", "Version", "Filename", "Size", "MD5sum", "SHA1", "SHA256", "Description"], without.Select(f => f.Name));
        Assert.Equal(("pool/p.deb", "3", Sums.Md5, Sums.Sha1, Sums.Sha256),
            (without["Filename"], without["Size"], without["MD5sum"], without["SHA1"], without["SHA256"]));
        Assert.Equal(new string('0', 128), with["SHA512"]);
        Assert.DoesNotContain(forged, with.ToString());
    }
}
