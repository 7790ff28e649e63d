using Autobuilder.Debian.Versions;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Versions;

public class VersionRelationTests
{
    // Operands: "" stands for an empty version (null), which the -nl relations treat as the newest.
    private static readonly string[] Operands = ["", "1.0", "1.0-1", "1:0.1", "1.00"];

    [Fact]
    public void Should_answer_like_dpkg_When_every_relation_meets_every_pair_including_empty_versions()
    {
        var disagreements = new List<string>();
        var cases = VersionRelation.All
            .SelectMany(r => Operands.SelectMany(a => Operands.Select(b => (Relation: r, Left: a, Right: b))))
            .ToArray();

        var dpkgResults = DpkgVersionOracle.ExitCodes(cases.Select(c => (c.Left, c.Relation.Name, c.Right)).ToArray());

        for (var i = 0; i < cases.Length; i++)
        {
            var (relation, left, right) = cases[i];
            var ours = relation.Holds(Version(left), Version(right)) ? 0 : 1;
            if (ours != dpkgResults[i])
                disagreements.Add($"'{left}' {relation} '{right}': ours exit {ours}, dpkg exit {dpkgResults[i]}");
        }

        Assert.Equal(17, VersionRelation.All.Count);
        Assert.Empty(disagreements);
    }

    [Theory]
    [InlineData("eq-nl")]
    [InlineData("ne-nl")]
    [InlineData("LT")]
    [InlineData("==")]
    [InlineData("")]
    public void Should_refuse_relations_dpkg_refuses(string name)
    {
        var dpkg = Tool.Run("dpkg", "--compare-versions", "1", name, "1");

        var ex = Assert.Throws<DebianFormatException>(() => VersionRelation.Parse(name));

        Assert.Equal(2, dpkg.ExitCode);
        Assert.Contains($"unknown version relation '{name}'", ex.Message);
    }

    [Theory]
    [InlineData("<", true)]
    [InlineData(">", true)]
    [InlineData("<<", false)]
    [InlineData("lt", false)]
    public void Should_mark_only_the_single_angle_brackets_as_obsolete(string name, bool obsolete)
    {
        var dpkg = Tool.Run("dpkg", "--compare-versions", "1", name, "1");

        var relation = VersionRelation.Parse(name);

        Assert.Equal(obsolete, relation.IsObsolete);
        Assert.Equal(obsolete, dpkg.Stderr.Contains("obsolete"));
    }

    private static DebianVersion? Version(string text) => text == "" ? null : DebianVersion.Parse(text);
}
