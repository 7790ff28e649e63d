using Autobuilder.Silo.FileTransfer;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Security;

/// <summary>Host file transfer reaches the folders it exists for and nothing else of the data root.</summary>
public sealed class HostFilesReachTests
{
    [Theory]
    [InlineData("gnupg/pubring.kbx")]
    [InlineData("state/scheduler.json")]
    [InlineData("certs/ca.key")]
    [InlineData("certs/users/root.pem")]
    [InlineData("incoming/bookworm/x.dsc")]
    [InlineData("results")]
    [InlineData("results/../gnupg/x")]
    [InlineData("/etc/passwd")]
    public void Should_refuse_a_path_When_it_leads_outside_the_transfer_folders(string path)
    {
        using var root = new TempDir("ab-hostfiles-");

        Assert.Throws<UnauthorizedAccessException>(() => HostFilesGrain.Resolve(root.Path, path, HostFilesGrain.Writable));
        Assert.Throws<UnauthorizedAccessException>(() => HostFilesGrain.Resolve(root.Path, path, HostFilesGrain.Readable));
    }

    [Fact]
    public void Should_refuse_a_path_When_a_symbolic_link_in_it_leads_elsewhere()
    {
        using var root = new TempDir("ab-hostfiles-");
        Directory.CreateDirectory(root["gnupg"]);
        Directory.CreateDirectory(root["results"]);
        Directory.CreateSymbolicLink(root["results/keys"], root["gnupg"]);

        var refused = Assert.Throws<UnauthorizedAccessException>(() => HostFilesGrain.Resolve(root.Path, "results/keys/secring.gpg", HostFilesGrain.Readable));

        Assert.Contains("symbolic link", refused.Message);
    }

    [Theory]
    [InlineData("results/bookworm/x_1/amd64/x_1_amd64.deb")]
    [InlineData("logs/bookworm/x_1/1/amd64.1.log")]
    [InlineData("repo-incoming/extras-devel/bookworm/x_1_amd64.changes")]
    public void Should_allow_a_path_When_it_is_in_a_transfer_folder(string path)
    {
        using var root = new TempDir("ab-hostfiles-");

        Assert.Equal(Path.Combine(root.Path, path), HostFilesGrain.Resolve(root.Path, path, HostFilesGrain.Writable));
    }
}
