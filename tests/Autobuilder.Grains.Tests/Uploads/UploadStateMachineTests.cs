using Autobuilder.BuildRunner;
using Autobuilder.Grains.Tests.Cluster;

namespace Autobuilder.Grains.Tests.Uploads;

public sealed class UploadStateMachineTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_PassThroughEveryStateToDone_When_UploadIsGood()
    {
        // Arrange: "any all" means an arch-specific build per configured arch, arch-indep with the first.
        // Act
        var upload = await Cluster.SubmitAsync("gconf-cleaner", "0.0.3-1", "any all");

        // Assert
        var details = await Cluster.WaitForOutcomeAsync("good upload to Done", upload.Id, UploadState.Published);
        Assert.Equal(UploadState.Done, details.Summary.State);
        Assert.Equal($"{GrainClusterFixture.Product}/gconf-cleaner_0.0.3-1/1", upload.Id);

        var visited = details.History.Select(h => h.To).Where((s, i) => i == 0 || details.History[i - 1].To != s).ToList();
        Assert.Equal([UploadState.Received, UploadState.Verified, UploadState.Queued, UploadState.Building, UploadState.Built, UploadState.Publishing, UploadState.Published, UploadState.Done], visited);
        Assert.All(details.History, h => Assert.False(string.IsNullOrWhiteSpace(h.Reason)));
        Assert.Contains(details.History, h => h.To == UploadState.Received && h.Reason.Contains("gconf-cleaner_0.0.3-1.dsc", StringComparison.Ordinal));
        Assert.Contains(details.History, h => h.To == UploadState.Verified && h.Reason.Contains("amd64 (binary), i386 (any), armhf (any)", StringComparison.Ordinal));
        Assert.Contains(details.History, h => h.To == UploadState.Queued && h.Reason.Contains("3 build(s) queued", StringComparison.Ordinal));
        Assert.Contains(details.History, h => h.To == UploadState.Done && h.Reason.Contains("extras-devel/fremantle", StringComparison.Ordinal));
        Assert.True(details.History.Zip(details.History.Skip(1)).All(p => p.First.At <= p.Second.At), "history is in time order");

        Assert.All(details.Builds, b =>
        {
            Assert.Equal(BuildState.Finished, b.State);
            Assert.Equal(BuildOutcome.Success, b.Outcome);
            Assert.Equal(1, b.Attempt);
            Assert.Contains(details.History, h => h.To == UploadState.Building && h.Reason.StartsWith($"{b.Architecture}: attempt 1 started on {b.Slot}", StringComparison.Ordinal));
        });
        Assert.Equal("armhf", details.Builds.Single(b => b.Slot == "builder3/ab3").Architecture);

        // Each successful build is offered to the distribution exactly once.
        var handoffs = Cluster.Offered.Where(c => c.ResultsFolder.Contains(upload.Id, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, handoffs.Count);
        Assert.Equal(3, handoffs.Select(h => h.ResultsFolder).Distinct().Count());
        Assert.All(handoffs, h => Assert.Equal((GrainClusterFixture.Repository, GrainClusterFixture.Product), (h.Repository, h.Product)));

        // One mail per build, to the uploader with the builds list in copy; the subject says it all.
        var mails = Cluster.Mail.AboutBuilds(upload.Id);
        Assert.Equal(3, mails.Count);
        foreach (var arch in GrainClusterFixture.Architectures)
        {
            var mail = Assert.Single(mails, m => m.Subject.Contains($" {arch} ", StringComparison.Ordinal));
            Assert.Equal($"gconf-cleaner 0.0.3-1 {arch} (fremantle): built", mail.Subject);
            Assert.Equal([GrainClusterFixture.Uploader], mail.To);
            Assert.Equal([GrainClusterFixture.BuildsList], mail.Cc);
            Assert.Contains($"(fake log tail of /fake/logs/{upload.Build(arch)}/1.log)", mail.Body, StringComparison.Ordinal);
        }

        // Then one mail with the stage's answer: where, in which generation.
        var publication = Assert.Single(Cluster.Mail.About(upload.Id), m => m.Subject == "gconf-cleaner 0.0.3-1 (fremantle): published in extras-devel/fremantle");
        var answer = Assert.Single(details.Publications!);
        Assert.Contains($"published in extras-devel/fremantle, generation {answer.Generation}", publication.Body, StringComparison.Ordinal);
        Assert.Contains(details.History, h => h.To == UploadState.Published && h.Reason == $"published in extras-devel/fremantle, generation {answer.Generation}");
        // The offer: the source from the upload's folder and each build's results folder.
        var offer = Assert.Single(Doubles.FakeDistributionGrain.Offers, o => o.UploadId == upload.Id);
        Assert.Equal("gconf-cleaner_0.0.3-1.dsc", offer.Source.DscFileName);
        Assert.Equal(["amd64", "armhf", "i386"], offer.Builds.Select(b => b.Architecture).Order(StringComparer.Ordinal));
        // Every leg of the walk was recorded, in order.
        var latency = details.Latency!;
        Assert.All(latency.Legs(), l => Assert.True(l.Took is not null, $"{l.Leg} not recorded"));
        Assert.True(latency.Landed <= latency.Verified && latency.Verified <= latency.BuildStarted && latency.BuildStarted <= latency.Built
            && latency.Built <= latency.Published, $"legs out of order: {latency}");

        // The registry's list (what the console shows) has the final state.
        var listed = (await Cluster.Client.GetGrain<IUploadRegistryGrain>(GrainClusterFixture.Product).ListAsync(1000)).Single(u => u.Id == upload.Id);
        Assert.Equal((UploadState.Done, UploadState.Published, true), (listed.State, listed.Outcome, listed.Settled));
    }
}
