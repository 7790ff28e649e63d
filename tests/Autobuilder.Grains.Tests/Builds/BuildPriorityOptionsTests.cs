using Autobuilder.Grains.Options;

namespace Autobuilder.Grains.Tests.Builds;

/// <summary>The configured base priorities: the most specific entry wins, and a bad entry is named at start.</summary>
public sealed class BuildPriorityOptionsTests
{
    private static AutobuilderOptions Options(Dictionary<string, int> priorities, int fallback = 0) => new()
    {
        Products = ["bookworm", "fremantle"],
        Repository = "extras-devel",
        Priorities = new BuildPriorityOptions { Default = fallback, Base = priorities },
    };

    [Theory]
    [InlineData("extras-devel", "bookworm", 30)]
    [InlineData("extras-devel", "fremantle", 20)]
    [InlineData("community-testing", "fremantle", 20)]
    [InlineData("community-testing", "bookworm", -3)]
    public void Should_TakeTheMostSpecificEntry_When_SeveralApply(string repository, string product, int expected)
    {
        // Given a distribution, a product and a repository entry, and a default
        var options = Options(new() { ["extras-devel/bookworm"] = 30, ["fremantle"] = 20, ["extras-devel"] = 10 }, fallback: -3);

        // Then the distribution beats the product, the product the repository, and the rest get the default
        Assert.Equal(expected, options.Priorities.For(repository, product));
        Assert.Null(options.Priorities.Problem(options));
    }

    [Theory]
    [InlineData("extras-devel/sid", 1, "Autobuilder:Priorities:Base:extras-devel/sid: no product 'sid' (products: bookworm, fremantle)")]
    [InlineData("nowhere/bookworm", 1, "Autobuilder:Priorities:Base:nowhere/bookworm: no repository 'nowhere' (repositories: community, community-testing, extras, extras-devel, extras-testing)")]
    [InlineData("sid", 1, "Autobuilder:Priorities:Base:sid: 'sid' is neither a product (bookworm, fremantle) nor a repository (community, community-testing, extras, extras-devel, extras-testing)")]
    [InlineData("a/b/c", 1, "Autobuilder:Priorities:Base:a/b/c: expected \"repository/product\", \"product\" or \"repository\" (plain names), found 'a/b/c'")]
    [InlineData("bookworm", 1001, "Autobuilder:Priorities:Base:bookworm is 1001; a priority must lie between -1000 and 1000")]
    public void Should_NameTheEntryAndWhatIsWrong_When_AnEntryIsBad(string key, int value, string expected)
    {
        // Given one bad entry
        var options = Options(new() { [key] = value });

        // Then the problem names it
        Assert.Equal(expected, options.Priorities.Problem(options));
    }
}
