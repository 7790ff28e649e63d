using Autobuilder.Debian.BuildLogs;

namespace Autobuilder.Debian.Tests.BuildLogs;

/// <summary>What a build log line reads like once its volatile parts are normalised.</summary>
public sealed class BuildLogNormaliserTests
{
    [Theory]
    [InlineData(" -- Tess <t@example.org>  Thu, 03 Dec 2026 02:30:44 +0000", " -- Tess <t@example.org>  <date>")]
    [InlineData("Build finished at 2026-12-03T02:30:44.123Z", "Build finished at <time>")]
    [InlineData("[02:30:44] step done", "[<time>] step done")]
    [InlineData("real 0m1.234s", "real <duration>")]
    [InlineData("Build-Id: 3f786850e387550fdab836ed7e6dc881de23001b", "Build-Id: <hex>")]
    [InlineData("writing /tmp/tmp.Xy12ab/out.txt", "writing <tmp>")]
    [InlineData("dpkg-deb: building package 'hello' in '../hello_2:1.1-1_amd64.deb'.", "dpkg-deb: building package 'hello' in '../hello_<version>_amd64.deb'.")]
    [InlineData("cd /home/abbuild1/autobuilder/slot/b.2/hello-1.1 && make", "cd <build>/hello-<upstream> && make")]
    [InlineData("make: *** [Makefile:4: all] Error 2", "make: *** [Makefile:4: all] Error 2")]
    public void Should_ReplaceTheVolatilePart_When_ALineHasOne(string line, string expected)
    {
        var normaliser = new BuildLogNormaliser("hello", "2:1.1-1");

        Assert.Equal(expected, normaliser.Normalise(line));
    }

    [Fact]
    public void Should_ReplaceTheGivenFolders_When_TheyAppear()
    {
        var normaliser = new BuildLogNormaliser("hello", "1.0-1", [("/srv/builds", "<buildroot>")]);

        Assert.Equal("rm -rf <buildroot>/abbuild1/x", normaliser.Normalise("rm -rf /srv/builds/abbuild1/x"));
    }

    [Fact]
    public void Should_ReadEveryBuildFolderAlike_When_DifferentSlotsRanTheBuilds()
    {
        var one = new BuildLogNormaliser("hello", "1.0-1", buildRoots: ["/var/lib/autobuilder-builds/"]);
        var two = new BuildLogNormaliser("hello", "1.1-1", buildRoots: ["/var/lib/autobuilder-builds/"]);

        Assert.Equal(
            one.Normalise("make[1]: Entering directory '/var/lib/autobuilder-builds/abbuild1/bookworm_hello_1.0-1_1_amd64.1/src'"),
            two.Normalise("make[1]: Entering directory '/var/lib/autobuilder-builds/abbuild2/bookworm_hello_1.1-1_1_amd64.3/src'"));
        Assert.Equal("cd '<build>/src'", one.Normalise("cd '/var/lib/autobuilder-builds/abbuild1/b.1/src'"));
    }
}
