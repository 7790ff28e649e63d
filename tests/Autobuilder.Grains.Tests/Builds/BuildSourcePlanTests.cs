using Autobuilder.Grains.Builds;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;

namespace Autobuilder.Grains.Tests.Builds;

/// <summary>Which distributions builds use besides the base system, and the start-time check of Autobuilder:BuildSources:Repositories.</summary>
public sealed class BuildSourcePlanTests
{
    private static AutobuilderOptions Options(string repository = "extras-devel", Dictionary<string, List<string>>? sources = null) => new()
    {
        Products = ["bookworm", "trixie"],
        Architectures = ["amd64"],
        Repository = repository,
        BuildSources = new BuildSourcesOptions { Repositories = sources ?? [] },
    };

    private static BuildSourcePlan Plan(AutobuilderOptions o) => new(o, new StageConfiguration(o));

    [Fact]
    public void Should_build_against_the_upload_repository_itself_When_nothing_is_configured()
    {
        // Act
        var plan = Plan(Options());

        // Assert
        Assert.Equal(["extras-devel/bookworm"], plan.For("bookworm"));
        Assert.Equal(["extras-devel/trixie"], plan.For("trixie"));
    }

    [Fact]
    public void Should_build_against_the_base_only_When_the_upload_repository_takes_no_uploads()
    {
        // Act: "extras" is filled by promotion only.
        var plan = Plan(Options(repository: "extras"));

        // Assert
        Assert.Empty(plan.For("bookworm"));
    }

    [Fact]
    public void Should_prefer_the_product_entry_over_the_repository_entry_When_both_are_configured()
    {
        // Arrange
        var o = Options(sources: new()
        {
            ["extras-devel"] = ["extras-devel", "extras-testing"],
            ["extras-devel/trixie"] = [],
        });

        // Act
        var plan = Plan(o);

        // Assert
        Assert.Equal(["extras-devel/bookworm", "extras-testing/bookworm"], plan.For("bookworm"));
        Assert.Empty(plan.For("trixie"));
    }

    [Theory]
    [InlineData("extras-devel", "extras-nightly", "names repository 'extras-nightly', which is not configured (configured: extras-devel, extras-testing, extras, community-testing, community)")]
    [InlineData("extras-devel/sid", "extras-devel", "names product 'sid', which this autobuilder does not build (it builds: bookworm, trixie)")]
    [InlineData("../x", "extras-devel", "Autobuilder:BuildSources:Repositories key '../x' is not REPOSITORY or REPOSITORY/PRODUCT")]
    public void Should_refuse_at_start_naming_what_is_wrong_When_a_build_source_is_not_configured(string key, string repository, string reason)
    {
        // Arrange
        var o = Options(sources: new() { [key] = [repository] });

        // Act
        var ex = Assert.ThrowsAny<ArgumentException>(() => Plan(o));

        // Assert
        Assert.Contains(reason, ex.Message);
    }
}
