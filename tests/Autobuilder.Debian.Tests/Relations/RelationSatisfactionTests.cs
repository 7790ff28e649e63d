using Autobuilder.Debian.Relations;

namespace Autobuilder.Debian.Tests.Relations;

/// <summary>Debian Policy §7.1 and §7.5 as a table: relation, package, build architecture, whether it satisfies.</summary>
public sealed class RelationSatisfactionTests
{
    public static TheoryData<string, string, bool> ByName => new()
    {
        // relation, "name version arch [provides]", satisfied (build for amd64)
        { "libfoo-dev", "libfoo-dev 1.0-1 amd64", true },
        { "libfoo-dev (>= 1.2)", "libfoo-dev 1.2-1 amd64", true },
        { "libfoo-dev (>= 1.2)", "libfoo-dev 1.1-9 amd64", false },
        // dpkg ordering, not string ordering: 1.10 > 1.9, ~ sorts before everything, epochs win.
        { "libfoo-dev (>= 1.9)", "libfoo-dev 1.10-1 amd64", true },
        { "libfoo-dev (>= 1.2)", "libfoo-dev 1.2~rc1-1 amd64", false },
        { "libfoo-dev (>> 2.0)", "libfoo-dev 1:1.0-1 amd64", true },
        { "libfoo-dev (<< 2)", "libfoo-dev 1.99 amd64", true },
        { "libfoo-dev (= 1.0-1)", "libfoo-dev 1.0-1 amd64", true },
        { "libfoo-dev (= 1.0-1)", "libfoo-dev 1.0-2 amd64", false },
        { "libfoo-dev (<= 1.0)", "libfoo-dev 1.0 amd64", true },
        { "libfoo-dev", "libfoo 1.0 amd64", false },
        // Architecture: the build's own or all; :any takes any; :native is the build's.
        { "libfoo-dev", "libfoo-dev 1.0 armhf", false },
        { "libfoo-dev", "libfoo-dev 1.0 all", true },
        { "libfoo-dev:any", "libfoo-dev 1.0 armhf", true },
        { "libfoo-dev:native", "libfoo-dev 1.0 armhf", false },
        { "libfoo-dev:armhf", "libfoo-dev 1.0 armhf", true },
        { "libfoo-dev:armhf", "libfoo-dev 1.0 amd64", false },
        // Alternatives: any one.
        { "libbar-dev | libfoo-dev (>= 1)", "libfoo-dev 1.0 amd64", true },
        { "libbar-dev | libfoo-dev (>= 2)", "libfoo-dev 1.0 amd64", false },
        // Restrictions: an alternative for other architectures does not count.
        { "libfoo-dev [armhf]", "libfoo-dev 1.0 amd64", false },
        { "libfoo-dev [!armhf] <!nocheck>", "libfoo-dev 1.0 amd64", true },
        { "libfoo-dev [linux-any]", "libfoo-dev 1.0 amd64", true },
        // Provides (§7.5): any provider for an unversioned relation, only "(= v)" ones for a versioned one.
        { "mail-transport-agent", "postfix 3.7 amd64 mail-transport-agent", true },
        { "libfoo-dev (>= 1.2)", "libfoo2-dev 2.0 amd64 libfoo-dev", false },
        { "libfoo-dev (>= 1.2)", "libfoo2-dev 2.0 amd64 libfoo-dev (= 1.3)", true },
        { "libfoo-dev (>= 1.2)", "libfoo2-dev 2.0 amd64 libfoo-dev (= 1.1)", false },
        { "libfoo-dev", "libfoo2-dev 2.0 armhf libfoo-dev", false },
    };

    [Theory]
    [MemberData(nameof(ByName))]
    public void Should_satisfy_as_Debian_policy_says_When_testing_a_relation_against_a_package(string relation, string package, bool expected)
    {
        // Arrange
        var parts = package.Split(' ', 4);
        var binary = BinaryPackage.TryCreate(parts[0], parts[1], parts[2], parts.Length > 3 ? [parts[3]] : [])!;
        var alternatives = Assert.Single(RelationField.Parse(relation));

        // Act
        var satisfied = RelationSatisfaction.Satisfies(binary, alternatives, "amd64");

        // Assert
        Assert.Equal(expected, satisfied);
    }

    [Fact]
    public void Should_read_entries_and_alternatives_When_parsing_a_dep_wait_list()
    {
        // Act
        var entries = RelationField.Parse("libfoo-dev (>= 1.2), bar | baz:any (<< 3~)");

        // Assert
        Assert.Equal(2, entries.Count);
        var foo = Assert.Single(entries[0]);
        Assert.Equal(("libfoo-dev", ">=", "1.2"), (foo.Name, foo.Relation!.Name, foo.Version!.ToString()));
        Assert.Equal(["bar", "baz:any (<< 3~)"], entries[1].Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("libfoo-dev (>= 1.2", "'(' is not closed")]
    [InlineData("libfoo-dev (=> 1.2)", "is not a version relation")]
    [InlineData("libfoo-dev (>= )", "version")]
    [InlineData("-libfoo", "does not start with a package name")]
    [InlineData("libfoo-dev; rm -rf /", "unexpected")]
    public void Should_refuse_naming_the_entry_When_a_relation_is_not_well_formed(string text, string reason)
    {
        // Act
        var ex = Assert.Throws<DebianFormatException>(() => RelationField.Parse(text));

        // Assert
        Assert.Contains(reason, ex.Message);
        Assert.Contains("is not a package relation", ex.Message);
    }
}
