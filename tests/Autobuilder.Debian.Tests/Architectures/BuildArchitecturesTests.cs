using Autobuilder.Debian.Architectures;

namespace Autobuilder.Debian.Tests.Architectures;

public class BuildArchitecturesTests
{
    private static readonly string[] Configured = ["amd64", "arm64", "armel", "i386"];

    // Builds written as "arch flag" in the order they are planned.
    [Theory]
    [InlineData("any", "amd64 -B,arm64 -B,armel -B,i386 -B")]
    [InlineData("all", "amd64 -A")]
    [InlineData("any all", "amd64 -b,arm64 -B,armel -B,i386 -B")]
    [InlineData("all any", "amd64 -b,arm64 -B,armel -B,i386 -B")]
    [InlineData("linux-any", "amd64 -B,arm64 -B,armel -B,i386 -B")]
    [InlineData("any-arm", "armel -B")]                     // armhf is any-arm too, but not configured
    [InlineData("any-amd64", "amd64 -B")]                   // x32 and kfreebsd-amd64 too, not configured
    [InlineData("i386 amd64 all", "amd64 -b,i386 -B")]      // configured order, not field order
    [InlineData("arm64 all", "arm64 -b")]                   // all goes with the first arch-specific build
    [InlineData("armhf all", "amd64 -A")]                   // ... or the first configured when there is none
    [InlineData("hurd-any kfreebsd-any", "")]
    [InlineData("amd64 amd64", "amd64 -B")]
    [InlineData("amd64\n arm64\tall", "amd64 -b,arm64 -B")]
    public void Should_plan_one_build_per_needed_architecture_and_all_once(string field, string expected)
    {
        var needs = BuildArchitectures.Needed(field, Configured);

        var builds = string.Join(',', needs.Builds().Select(b => $"{b.Architecture} {b.DpkgBuildpackageFlag}"));

        Assert.Equal(expected, builds);
        Assert.Empty(needs.Warnings);
    }

    [Fact]
    public void Should_report_what_is_needed_When_the_field_mixes_wildcards_and_all()
    {
        var needs = BuildArchitectures.Needed("any-i386 arm64 all", Configured);

        Assert.Equal(["arm64", "i386"], needs.ArchitectureSpecific);
        Assert.True(needs.ArchitectureIndependent);
        Assert.Equal("arm64", needs.IndependentOn);
    }

    [Fact]
    public void Should_prefer_the_configured_order_When_choosing_where_all_is_built()
    {
        var needs = BuildArchitectures.Needed("any all", ["i386", "amd64"]);

        Assert.Equal([new PlannedBuild("i386", BuildParts.Both), new PlannedBuild("amd64", BuildParts.ArchitectureSpecific)],
            needs.Builds());
    }

    [Theory]
    [InlineData("sparc amd64", "'sparc'")]                  // a real port the autobuilder does not know
    [InlineData("amd64 foo-any", "'foo-any'")]
    [InlineData("amd64 any-", "'any-'")]
    public void Should_warn_and_build_the_rest_When_an_entry_matches_no_known_architecture(string field, string quoted)
    {
        var needs = BuildArchitectures.Needed(field, Configured);

        Assert.Equal(["amd64"], needs.ArchitectureSpecific);
        var warning = Assert.Single(needs.Warnings);
        Assert.Contains(quoted, warning);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData(" \t", "it is empty")]
    [InlineData("Amd64", "'Amd64' contains characters other than a-z, 0-9 and '-'")]
    [InlineData("amd64,arm64", "'amd64,arm64' contains characters")]
    [InlineData("any !amd64", "'!amd64' is a negation")]
    [InlineData("-any", "'-any' starts with '-'")]
    [InlineData("amd64 \u001b[31m", "'\\x1b[31m' contains characters")]
    public void Should_refuse_the_field_When_an_entry_is_not_an_architecture_name(string field, string reason)
    {
        var ex = Assert.Throws<InvalidArchitectureException>(() => BuildArchitectures.Needed(field, Configured));

        Assert.Contains(reason, ex.Message);
        Assert.StartsWith("Architecture field '", ex.Message);
        Assert.DoesNotContain("\u001b", ex.Message);
    }

    [Theory]
    [InlineData(new string[0], "no build architectures")]
    [InlineData(new[] { "amd64", "sparc" }, "'sparc' is unknown")]
    [InlineData(new[] { "amd64", "amd64" }, "configured twice")]
    public void Should_refuse_the_configuration_When_it_is_unusable(string[] configured, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => BuildArchitectures.Needed("any", configured));

        Assert.Contains(reason, ex.Message);
    }

    [Theory]
    [InlineData(BuildParts.ArchitectureSpecific, "-B")]
    [InlineData(BuildParts.ArchitectureIndependent, "-A")]
    [InlineData(BuildParts.Both, "-b")]
    public void Should_give_the_dpkg_buildpackage_flag_for_the_parts(BuildParts parts, string flag) =>
        Assert.Equal(flag, new PlannedBuild("amd64", parts).DpkgBuildpackageFlag);

    [Fact]
    public void Should_know_each_architecture_once()
    {
        var names = KnownArchitectures.All.Select(a => a.Name).ToArray();

        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.NotNull(KnownArchitectures.Find("armhf"));
        Assert.Null(KnownArchitectures.Find("linux-armhf"));
    }
}
