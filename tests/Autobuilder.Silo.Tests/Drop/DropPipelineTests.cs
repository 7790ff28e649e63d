using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Uploaders;

namespace Autobuilder.Silo.Tests.Drop;

/// <summary>
/// The SSH channel end to end: an account made with the real console (SSH key, OpenPGP key,
/// right), a source signed as debsign signs, sent by the real dput (method scp) through the real
/// sshd with the shipped snippet into the account's area, taken by intake, verified (policy
/// "required", rights required), built and published — recorded as the account's, through SSH.
/// </summary>
public sealed class DropPipelineTests
{
    [Fact]
    public async Task Should_build_and_publish_as_the_accounts_upload_When_a_signed_upload_comes_by_dput_over_ssh()
    {
        // Arrange
        using var host = DropHost.StartForSilo("command", ["bookworm"]);
        using var root = new TempDir("ab-drop-e2e-");
        await using var silo = new SiloProcess(root["var"], config => config["Autobuilder"]!["Uploaders"] = new JsonObject
        {
            ["Signatures"] = "required",
            ["RequireRights"] = true,
            ["Drop"] = host.SiloDropOptions(),
        });
        await silo.StartAsync();
        var ssh = host.NewKey("jane");
        using var gpg = UploaderGpgKey.Create(root["gpg-jane"], "Jane Doe <jane@example.org>");
        var armored = Path.Combine(root.Path, "jane.asc");
        File.WriteAllText(armored, gpg.ArmoredPublicKey);
        AdminCli.Run(silo, "accounts", "add", "jane", "--name", "Jane Doe", "--email", "jane@example.org").Ok();
        AdminCli.Run(silo, "accounts", "key", "add", "jane", "--ssh", ssh.PrivateKeyFile + ".pub").Ok();
        AdminCli.Run(silo, "accounts", "key", "add", "jane", armored, "--openpgp").Ok();
        AdminCli.Run(silo, "accounts", "grant", "jane", "extras-devel", "bookworm").Ok();
        var upload = SignedSource.Build(new SourcePackage("drop-e2e"), root["scratch"].EnsureFolder()).SignBoth(TestSigner.Of(gpg));
        foreach (var file in Directory.EnumerateFiles(upload.Folder))
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        // Act
        var dput = host.Dput(ssh, "bookworm", upload.Changes);

        // Assert
        Assert.True(dput.ExitCode == 0, $"{dput}\nsshd:\n{host.Log}");
        var done = await Uploads.WaitAsync(silo, "drop-e2e", d => d.Summary.State is UploadState.Done or UploadState.Rejected, "done", TimeSpan.FromMinutes(5));
        Assert.True(done.Summary.Outcome == UploadState.Published, $"{done.Summary.State}/{done.Summary.Outcome}: {done.Summary.LastReason}");
        Assert.Equal(UploadChannel.Ssh, done.Origin?.Channel);
        Assert.Equal("jane", done.Origin?.Login);
        Assert.Equal("jane", done.Identity?.Account);
        Assert.Equal(gpg.Fingerprint, done.Identity?.SignerFingerprint);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        string repo;
        while (!(repo = AdminCli.Run(silo, "repo", "show", "extras-devel/bookworm").Ok().Stdout).Contains("drop-e2e", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"drop-e2e was not published:\n{repo}");
            await Task.Delay(1000);
        }
        Assert.Empty(Directory.EnumerateFiles(host.Area("jane", "bookworm")));
    }
}
