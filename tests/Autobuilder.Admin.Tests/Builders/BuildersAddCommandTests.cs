namespace Autobuilder.Admin.Tests.Builders;

/// <summary><c>autobuilder builders add</c>: the checks made before any cluster is asked.</summary>
public class BuildersAddCommandTests
{
    [Fact]
    public void Should_refuse_an_unknown_build_mode_without_a_cluster_When_a_slot_is_added()
    {
        // Act: no silo runs; the check comes first.
        var result = Cli.Run("builders", "add", "builder1", "abslot1", "--arch", "amd64", "--executor", "local", "--mode", "docker");

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown build mode 'docker' (host or chroot)", result.Stderr);
    }
}
