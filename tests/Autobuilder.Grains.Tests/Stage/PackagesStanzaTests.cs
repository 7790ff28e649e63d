using Autobuilder.Grains.Stage;

namespace Autobuilder.Grains.Tests.Stage;

public sealed class PackagesStanzaTests
{
    [Fact]
    public void Should_read_every_provided_relation_When_Provides_spans_continuation_lines()
    {
        // Arrange
        const string stanza = "Package: libfoo2-dev\nVersion: 2.0-1\nProvides: libfoo-dev (= 2.0),\n libfoo-api\nDepends: libc6\nDescription: x\n more\n";

        // Act
        var provides = PackagesStanza.Provides(stanza);

        // Assert
        Assert.Equal(["libfoo-dev (= 2.0)", "libfoo-api"], provides);
    }

    [Fact]
    public void Should_provide_nothing_When_the_stanza_has_no_Provides()
    {
        // Act / Assert
        Assert.Empty(PackagesStanza.Provides("Package: a\nVersion: 1\nDescription: Provides: not a field\n"));
    }
}
