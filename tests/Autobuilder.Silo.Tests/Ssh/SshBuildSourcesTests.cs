using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Stage;
using Autobuilder.Testing;
using Xunit.Abstractions;

namespace Autobuilder.Silo.Tests.Ssh;

/// <summary>
/// Build sources reach builds on SSH builder hosts (issue 12, point 5): a silo of role all whose one
/// slot builds in chroot mode over SSH (real sshd, the slot user abslot2), with extras-devel as the
/// build source. A is built there and published; B, which build-depends on A, then builds there
/// too: the chroot's apt on the builder host fetches A from the silo's live-tree server through a
/// remote forward of the build's own SSH connection (the server listens on the silo's loopback only;
/// the port on the builder host is not the server's port, so only the forward can answer).
/// Category Chroot (see README).
/// </summary>
[Trait("Category", "Chroot")]
[Collection(SshFarmCollection.Name)]
public sealed class SshBuildSourcesTests(SshFarmFixture farm, ChrootFixture chroot, ITestOutputHelper output) : IClassFixture<ChrootFixture>, IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);
    private readonly TempDir _root = new("ab-ssh-sources-");
    private SiloProcess _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = new SiloProcess(_root["var"], config =>
        {
            var ab = config["Autobuilder"]!.AsObject();
            ab["Slots"] = new JsonArray();
            ab["Ssh"] = new JsonObject { ["ConnectTimeoutSeconds"] = 5, ["SilenceTimeoutSeconds"] = 300 };
            var host = farm.Host("sourceshost", farm.HostA.Port, farm.HostA.HostKeySha256, "abslot2");
            host["Mode"] = "chroot";
            host["ChrootTarballs"] = chroot.Folder;
            ab["BuilderHosts"] = new JsonArray(host);
        });
        await _silo.StartAsync();
    }

    [Fact]
    public async Task Should_install_a_build_dependency_from_our_repository_through_the_ssh_connection_When_the_slot_is_on_a_builder_host()
    {
        // Arrange: B (ab-sshsrc-app) build-depends on A (ab-sshsrc-lib) and runs A's program in its build.
        var lib = new SourcePackage(Name: "ab-sshsrc-lib");
        var app = new SourcePackage(Name: "ab-sshsrc-app", BuildDepends: "ab-sshsrc-lib (>= 1.0)",
            RulesBuild: "test \"$$(/usr/bin/ab-sshsrc-lib)\" = \"Hello from ab-sshsrc-lib 1.0-1\"");
        Uploads.Drop(_silo, lib, _root["scratch"]);
        await StageQueue.WaitAsync(_silo, "extras-devel/bookworm", d => d.Sources.Any(s => s.Source == "ab-sshsrc-lib"), "holding ab-sshsrc-lib", BuildTimeout);

        // Act
        Uploads.Drop(_silo, app, _root["scratch"]);
        var built = await Uploads.WaitAsync(_silo, "ab-sshsrc-app", d => d.Summary.State == UploadState.Done, "Done", BuildTimeout);

        // Assert
        var build = Assert.Single(built.Builds);
        var log = File.ReadAllText(build.LogPath!);
        output.WriteLine(string.Join('\n', log.Split('\n').Where(l => l.Contains("build source", StringComparison.Ordinal) || l.Contains("extra repository", StringComparison.Ordinal))));
        Assert.True(built.Summary.Outcome == UploadState.Published, $"{built.Summary.Outcome}: {built.Summary.LastReason}\n{log[^Math.Min(log.Length, 4000)..]}");
        Assert.Equal("sourceshost/abslot2", build.Slot);
        Assert.Contains("Unpacking ab-sshsrc-lib (1.0-1)", log);
        // The URL the builder host used is a forwarded port on its loopback, not the silo's server port.
        var used = log.Split('\n').First(l => l.Contains("extra repository: http://127.0.0.1:", StringComparison.Ordinal));
        var port = int.Parse(used.Split("127.0.0.1:")[1].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);
        var served = _silo.Output.Split('\n').Single(l => l.Contains("live trees served to chroot builds at http://127.0.0.1:", StringComparison.Ordinal));
        Assert.DoesNotContain($"127.0.0.1:{port}", served);
        // Nothing of the build or its forward is left on the host.
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(UnixUser.Home("abslot2"), "autobuilder", "sourceshost_abslot2")));
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _root.Dispose();
    }
}
