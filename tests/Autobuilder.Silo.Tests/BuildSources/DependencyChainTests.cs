using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Stage;
using Autobuilder.Testing;
using Xunit.Abstractions;

namespace Autobuilder.Silo.Tests.BuildSources;

/// <summary>
/// Issue 12's chain, with real parts: a silo of role all whose one slot builds in chroot mode
/// (sbuild --chroot-mode=unshare from the cached base tarball), extras-devel as the builds' build
/// source (the default), two source packages written by the test, B build-depending on A. B ends in
/// dep-wait naming A; A is built and published; the publish queues B again at once; B installs A
/// from extras-devel (served to the chroot by the silo's live-tree server, checked against the
/// repository's key), builds, and is published.
/// </summary>
[Trait("Category", "Chroot")]
public sealed class DependencyChainTests(ChrootFixture chroot, ITestOutputHelper output) : IClassFixture<ChrootFixture>, IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);
    private readonly TempDir _root = new("ab-depchain-");
    private SiloProcess _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = new SiloProcess(_root["var"], config =>
        {
            var ab = config["Autobuilder"]!.AsObject();
            ab["Slots"] = new JsonArray(new JsonObject
            {
                ["Host"] = "localhost", ["User"] = "abbuild1", ["Mode"] = "chroot", ["ChrootTarballs"] = chroot.Folder,
            });
        });
        await _silo.StartAsync();
    }

    [Fact]
    public async Task Should_queue_B_again_within_seconds_and_publish_it_When_A_which_B_waits_for_is_published()
    {
        // Arrange: B (ab-dw-app) build-depends on A (ab-dw-lib), and its build runs A's program.
        var lib = new SourcePackage(Name: "ab-dw-lib");
        var app = new SourcePackage(Name: "ab-dw-app", BuildDepends: "ab-dw-lib (>= 1.0)",
            RulesBuild: "test \"$$(/usr/bin/ab-dw-lib)\" = \"Hello from ab-dw-lib 1.0-1\"");

        // Act 1: B alone waits for A.
        Uploads.Drop(_silo, app, _root["scratch"]);
        var waiting = await Uploads.WaitAsync(_silo, "ab-dw-app", d => d.Summary.State == UploadState.Done, "in dep-wait", BuildTimeout);

        // Assert 1
        Assert.Equal(UploadState.DepWait, waiting.Summary.Outcome);
        Assert.Contains(waiting.History, h => h.Reason.Contains("waiting for build dependencies: ab-dw-lib (>= 1.0)", StringComparison.Ordinal));
        var wait = Assert.Single(await _silo.Grains.GetGrain<IDependencyWaitGrain>(0).ListAsync());
        Assert.Equal(waiting.Summary.Id, wait.UploadId);
        Assert.Equal(["ab-dw-lib (>= 1.0)"], wait.Missing);
        Assert.Equal(["extras-devel/bookworm"], wait.BuildSources);

        // Act 2: A is uploaded, built and published.
        Uploads.Drop(_silo, lib, _root["scratch"]);
        var withLib = await StageQueue.WaitAsync(_silo, "extras-devel/bookworm", d => d.Sources.Any(s => s.Source == "ab-dw-lib"), "holding ab-dw-lib",
            BuildTimeout);
        var libLive = withLib.Status.History.First(h => h.Note.Contains("ab-dw-lib", StringComparison.Ordinal)).At;

        // Act 3: B builds again by itself and is published.
        var withApp = await StageQueue.WaitAsync(_silo, "extras-devel/bookworm", d => d.Sources.Any(s => s.Source == "ab-dw-app"), "holding ab-dw-app",
            BuildTimeout);
        var built = await Uploads.WaitAsync(_silo, "ab-dw-app", d => d.Summary.State == UploadState.Done, "Done", BuildTimeout);

        // Assert 2: queued again within seconds of A's publish, saying why; built against extras-devel.
        var requeued = Assert.Single(built.History, h => h.Reason.Contains("build dependencies available, queued again", StringComparison.Ordinal));
        output.WriteLine($"A live at {libLive:HH:mm:ss.fff}; B queued again at {requeued.At:HH:mm:ss.fff}: {requeued.Reason}");
        Assert.InRange(requeued.At - libLive, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains("extras-devel/bookworm published generation", requeued.Reason);
        Assert.Contains("ab-dw-lib (>= 1.0) (by ab-dw-lib 1.0-1)", requeued.Reason);
        Assert.Equal(UploadState.Published, built.Summary.Outcome);
        // Both show Published with every latency leg (landing → verified → build started → built → published → live).
        var libUpload = await Uploads.WaitAsync(_silo, "ab-dw-lib", d => d.Summary.State == UploadState.Done, "Done", BuildTimeout);
        Assert.Equal(UploadState.Published, libUpload.Summary.Outcome);
        foreach (var upload in new[] { libUpload, built })
            Assert.All(upload.Latency!.Legs(), l => Assert.True(l.Took is not null, $"{upload.Summary.Id}: leg {l.Leg} missing"));
        var log = File.ReadAllText(Assert.Single(built.Builds).LogPath!);
        Assert.Contains("extra repository: http://127.0.0.1:", log);
        Assert.Contains("Unpacking ab-dw-lib (1.0-1)", log);
        Assert.Contains(withApp.Sources, s => s.Source == "ab-dw-app" && s.Version == "1.0-1");
        Assert.Empty(await _silo.Grains.GetGrain<IDependencyWaitGrain>(0).ListAsync());
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _root.Dispose();
    }
}
