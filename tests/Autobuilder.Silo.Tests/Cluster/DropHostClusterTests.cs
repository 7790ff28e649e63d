using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Drop;
using Autobuilder.Silo.Tests.Uploaders;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// A separate drop host in the cluster of <see cref="ClusterFixture"/> (real PostgreSQL, garage,
/// builders, stage): a silo of role "drop" on simulated host "drophost" with its own data root,
/// and a real sshd with the shipped snippet pointed at that silo's drop root and key index. The
/// directory stays on the garage; the drop silo writes its own files from it, and ships complete
/// uploads to the garage, which verifies and publishes them as the account's SSH uploads.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DropHostClusterTests(ClusterFixture cluster) : IAsyncLifetime
{
    private DropHost _host = null!;
    private SiloProcess _drop = null!;

    public async Task InitializeAsync()
    {
        _host = DropHost.StartForSilo("command", ["bookworm"]);
        _drop = cluster.NewSilo("drop", "drophost", [], config =>
            config["Autobuilder"]!["Uploaders"] = new JsonObject { ["Drop"] = _host.SiloDropOptions() });
        await _drop.StartAsync();
    }

    [Fact]
    public async Task Should_ship_verify_and_publish_an_sftp_upload_and_refuse_a_removed_key_When_the_drop_is_a_host_of_its_own()
    {
        // Arrange: the garage knows the drop silo (its directory sends it every change), then the
        // cluster's uploader account gets an SSH key: it reaches the drop host's index before the call returns.
        var directory = cluster.Garage.Grains.GetGrain<IAccountDirectoryGrain>(0);
        await Eventually.UntilAsync(async () =>
        {
            var silos = await cluster.Garage.Grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync();
            return (silos.Any(s => s.Role == SiloRoles.Drop && s.Status == "Active"), true, string.Join(", ", silos.Select(s => $"{s.Role}@{s.Host} {s.Status}")));
        }, "the garage to see the drop silo", seconds: 30);
        var key = _host.NewKey("cluster");
        await directory.AddSshKeyAsync("cluster", File.ReadAllText(key.PrivateKeyFile + ".pub").Trim());
        var fingerprint = Tool.Run("ssh-keygen", "-lf", key.PrivateKeyFile + ".pub").Ok().Stdout.Split(' ')[1];
        Assert.Contains(fingerprint + " ", File.ReadAllText(_host.Drop.KeyIndex));
        var upload = SignedSource.Build(new SourcePackage(Name: "ab-drop-host"), cluster.Scratch.EnsureFolder()).SignBoth(cluster.Uploader);
        var files = Directory.EnumerateFiles(upload.Folder).Where(f => f != upload.Dsc && f != upload.Changes).Append(upload.Dsc).Append(upload.Changes);

        // Act: sftp into the account's area on the drop host, in dput's order.
        var put = _host.Sftp(key, string.Concat(files.Select(f => $"put {f} bookworm/\n")));

        // Assert: shipped to the garage, verified as the account's signed SSH upload, built and published.
        Assert.True(put.ExitCode == 0, $"{put}\nsshd:\n{_host.Log}\ndrop silo:\n{_drop.Output}");
        var done = await Uploads.WaitAsync(cluster.Garage, "ab-drop-host", d => d.Summary.State is UploadState.Done or UploadState.Rejected, "done",
            TimeSpan.FromMinutes(3));
        Assert.True(done.Summary.Outcome == UploadState.Published, $"{done.Summary.State}/{done.Summary.Outcome}: {done.Summary.LastReason}\ndrop silo:\n{_drop.Output}");
        Assert.Equal(UploadChannel.Ssh, done.Origin?.Channel);
        Assert.Equal("cluster", done.Origin?.Login);
        Assert.Equal("cluster", done.Identity?.Account);
        Assert.Empty(Directory.EnumerateFiles(_host.Area("cluster", "bookworm")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cluster.Garage.DataRoot, "drop-incoming", "cluster", "bookworm")));

        // Act: the key is removed from the directory on the garage.
        await directory.RemoveKeyAsync("cluster", fingerprint);
        var refused = _host.Sftp(key, "ls\n");

        // Assert: refused at the very next login on the drop host.
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Permission denied (publickey)", refused.Stderr);
        Assert.DoesNotContain(fingerprint + " ", File.ReadAllText(_host.Drop.KeyIndex));
    }

    public async Task DisposeAsync()
    {
        if (_drop is not null)
            await _drop.DisposeAsync();
        _host?.Dispose();
    }
}
