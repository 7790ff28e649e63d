using Autobuilder.Grains;
using Autobuilder.Silo.Execution;

namespace Autobuilder.Silo.Tests.Execution;

/// <summary>What every executor hands the build runner, for each build mode.</summary>
public sealed class RunnerArgumentsTests
{
    private static readonly BuildRequest Build = new("bookworm/x_1/1/amd64", "bookworm/x_1/1", "bookworm", "x", "1", "amd64", BuildType.Any, 0,
        DateTimeOffset.UtcNow, "x_1.dsc", ["x_1.tar.xz"], "/srv/x");

    [Fact]
    public void Should_pass_host_mode_and_no_chroot_values_When_the_slot_builds_on_the_host()
    {
        // Arrange
        var slot = new SlotConfig("builder1", "abslot1", ["amd64"], SlotConfig.LocalExecutor);

        // Act
        var args = RunnerArguments.For(Build, slot);

        // Assert
        Assert.Equal(["--dsc", "x_1.dsc", "--arch", "amd64", "--mode", "host", "--build-type", "any"], args);
    }

    [Fact]
    public void Should_pass_the_product_as_dist_and_the_slots_tarball_When_the_slot_builds_in_a_chroot()
    {
        // Arrange
        var slot = new SlotConfig("builder1", "abslot1", ["amd64"], SlotConfig.LocalExecutor, Mode: SlotConfig.ChrootMode, ChrootTarballs: "/srv/chroots");

        // Act
        var args = RunnerArguments.For(Build, slot);

        // Assert
        Assert.Equal(["--dsc", "x_1.dsc", "--arch", "amd64", "--mode", "chroot", "--build-type", "any",
            "--dist", "bookworm", "--chroot-tarball", "/srv/chroots/bookworm-amd64.tar"], args);
    }

    [Fact]
    public void Should_use_the_default_folder_When_a_chroot_slot_names_no_tarball_folder()
    {
        // Arrange
        var slot = new SlotConfig("builder1", "abslot1", ["amd64"], SlotConfig.LocalExecutor, Mode: SlotConfig.ChrootMode);

        // Act
        var args = RunnerArguments.For(Build, slot);

        // Assert
        Assert.Equal("/var/cache/autobuilder/chroots/bookworm-amd64.tar", args[^1]);
    }

    [Theory]
    [InlineData("docker", null, "unknown build mode 'docker'")]
    [InlineData("chroot", "relative/chroots", "ChrootTarballs must be an absolute folder")]
    public void Should_name_the_problem_When_a_slots_build_mode_settings_are_wrong(string mode, string? tarballs, string problem)
    {
        // Arrange
        var slot = new SlotConfig("builder1", "abslot1", ["amd64"], SlotConfig.LocalExecutor, Mode: mode, ChrootTarballs: tarballs);

        // Act
        var found = slot.Problem();

        // Assert
        Assert.NotNull(found);
        Assert.Contains(problem, found);
    }
}
