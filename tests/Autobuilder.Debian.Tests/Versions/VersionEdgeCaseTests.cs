using Autobuilder.Debian.Versions;

namespace Autobuilder.Debian.Tests.Versions;

public class VersionEdgeCaseTests
{
    // Expected order of each pair: -1 (left older), 0 (equal for dpkg), 1 (left newer).
    public static TheoryData<string, string, int> EdgeCases => new()
    {
        { "1.0~rc1", "1.0", -1 },                 // '~' sorts before the end of the string
        { "1.0", "1.0+b1", -1 },                  // binNMU of a native package
        { "1:0.9", "2.0", 1 },                    // the epoch wins
        { "1.0-1", "1.0-1+b1", -1 },
        { "1.0~~", "1.0~~a", -1 },                // deb-version(7): ~~ < ~~a < ~ < (nothing)
        { "1.0~~a", "1.0~", -1 },
        { "1.0~", "1.0", -1 },
        { "1.0~~~", "1.0~~", -1 },
        { "1~", "1~a", -1 },
        { "1~a", "1", -1 },
        { "0:1.0", "1.0", 0 },                    // an epoch of 0 is the same as none
        { "0:0", "0", 0 },
        { "1.0", "1.00", 0 },                     // digit runs compare as numbers
        { "1.0", "1.", 0 },                       // a missing final digit run counts as 0
        { "1.01", "1.1", 0 },
        { "1.001", "1.1", 0 },
        { "1.0a", "1.0a0", 0 },
        { "1.0-0", "1.0", 0 },                    // a missing revision is compared as ""
        { "1.0-00", "1.0-0", 0 },
        { "1.0-0.0", "1.0", 1 },                  // but "0.0" still has a '.' after the zero
        { "18446744073709551616", "18446744073709551615", 1 },   // 2^64 vs 2^64-1: no overflow
        { "1.99999999999999999999999999999", "1.100000000000000000000000000000", -1 },
        { "123456789012345678901234567890", "000123456789012345678901234567890", 0 },
        { "1.2", "1.10", -1 },
        { "10", "9", 1 },
        { "010", "9", 1 },
        { "1.2.3", "1.2", 1 },
        { "1", "1.0", -1 },                       // end of string before '.'
        { "1.0-1", "1.0-2", -1 },
        { "1.0-10", "1.0-9", 1 },
        { "1.0-5", "1.0.1-1", -1 },               // upstream first, then revision
        { "1:1.0", "1.0", 1 },
        { "2:0", "1:99", 1 },
        { "2147483647:1", "2147483646:9", 1 },
        { "1.0a", "1.0b", -1 },
        { "1.0A", "1.0a", -1 },                   // letters in ASCII order: upper case first
        { "1.0Z", "1.0a", -1 },
        { "1.0z", "1.0.", -1 },                   // letters before non-letters
        { "1.0a", "1.0+", -1 },
        { "1.0+", "1.0.", -1 },                   // non-letters in ASCII order: + < . < :
        { "1a", "1.0", -1 },
        { "1.0+b1", "1.0.1", -1 },
        { "1.0-1", "1.0+1", -1 },                 // "1.0" (revision 1) vs "1.0+1" (native)
        { "1.0~rc1-1", "1.0-1", -1 },
        { "1.0-1~bpo12+1", "1.0-1", -1 },         // backports sort below the release
        { "1.0-1+deb12u1", "1.0-1", 1 },          // stable updates above it
        { "1.0-1+deb12u1", "1.0-1+deb12u2", -1 },
        { "2.30-1+b1", "2.30-1", 1 },
        { "1.0-1-1", "1.0-1", 1 },                // upstream "1.0-1" vs "1.0"
        { "1.0-1-1", "1.0-1.1", 1 },
        { "1:2:3", "1:2", 1 },                    // ':' may appear in upstream after an epoch
        { "1:2:3", "1:2.3", 1 },
        { "1.0-a", "1.0-b", -1 },
        { "7.6p2-4", "7.6-0", 1 },
        { "1.2.3~rc1+dfsg-1", "1.2.3~rc1-1", 1 },
    };

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void Should_order_edge_cases_as_expected(string left, string right, int expected)
    {
        var a = DebianVersion.Parse(left);
        var b = DebianVersion.Parse(right);

        var forward = Math.Sign(a.CompareTo(b));
        var backward = Math.Sign(b.CompareTo(a));

        Assert.Equal(expected, forward);
        Assert.Equal(-expected, backward);
        Assert.Equal(expected == 0, a.Equals(b));
        Assert.Equal(expected == 0, a == b);
        Assert.Equal(expected < 0, a < b);
        Assert.Equal(expected <= 0, a <= b);
        Assert.Equal(expected > 0, a > b);
        Assert.Equal(expected >= 0, a >= b);
        if (expected == 0)
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Should_agree_with_dpkg_on_every_edge_case_When_dpkg_compares_them()
    {
        var pairs = EdgeCases.Select(row => ((string)row[0], (string)row[1])).ToArray();
        var expected = EdgeCases.Select(row => (int)row[2]).ToArray();

        var dpkg = DpkgVersionOracle.Compare(pairs);

        Assert.True(pairs.Length >= 40);
        var mismatches = DpkgVersionOracle.Mismatches(pairs, expected, dpkg, oursLabel: "expected");
        Assert.True(mismatches == "", "the expected values in this table disagree with dpkg:\n" + mismatches);
    }

    [Fact]
    public void Should_keep_the_text_as_written_When_versions_compare_equal()
    {
        var a = DebianVersion.Parse("1.00");
        var b = DebianVersion.Parse("1.0");

        Assert.Equal(a, b);
        Assert.Equal("1.00", a.ToString());
        Assert.Equal("1.0", b.ToString());
    }
}
