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
}
