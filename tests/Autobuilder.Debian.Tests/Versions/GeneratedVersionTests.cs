using Autobuilder.Debian.Versions;

namespace Autobuilder.Debian.Tests.Versions;

public class GeneratedVersionTests
{
    private const int PairCount = 5000;

    private static (string Left, string Right)[] Pairs()
    {
        var generator = new VersionGenerator(seed: 20260511);
        return Enumerable.Range(0, PairCount).Select(_ => generator.Pair()).ToArray();
    }

    [Fact]
    public void Should_order_generated_pairs_like_dpkg_When_compared_with_dpkg_compare_versions()
    {
        var pairs = Pairs();
        var ours = pairs.Select(p => Math.Sign(DebianVersion.Parse(p.Left).CompareTo(DebianVersion.Parse(p.Right)))).ToArray();

        var dpkg = DpkgVersionOracle.Compare(pairs);

        var mismatches = DpkgVersionOracle.Mismatches(pairs, ours, dpkg);
        Assert.True(mismatches == "", mismatches);
        // The generator must actually produce all three outcomes, or this test proves little.
        Assert.True(dpkg.Count(c => c == 0) > PairCount / 20, $"only {dpkg.Count(c => c == 0)} equal pairs");
        Assert.True(dpkg.Count(c => c < 0) > PairCount / 5);
        Assert.True(dpkg.Count(c => c > 0) > PairCount / 5);
    }

    [Fact]
    public void Should_keep_equality_hash_and_order_consistent_When_pairs_are_generated()
    {
        var pairs = Pairs().Select(p => (Left: DebianVersion.Parse(p.Left), Right: DebianVersion.Parse(p.Right)));

        var broken = pairs.Where(p =>
        {
            var c = p.Left.CompareTo(p.Right);
            return Math.Sign(c) != -Math.Sign(p.Right.CompareTo(p.Left))
                || (c == 0) != p.Left.Equals(p.Right)
                || (c == 0 && p.Left.GetHashCode() != p.Right.GetHashCode());
        }).Select(p => $"'{p.Left}' vs '{p.Right}'").Take(10).ToArray();

        Assert.Empty(broken);
    }
}
