using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Uploads;

/// <summary>The end of the walk (issue 12): a built upload offered to its distribution, and what the answer does.</summary>
public sealed class UploadPublishingTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_end_StageRejected_and_mail_the_reasons_When_the_distribution_refuses_the_offer()
    {
        // Given
        FakeDistributionGrain.Refuse("pub-refused", "source pub-refused 1.0-1 is already in extras-devel/fremantle");

        // When
        var upload = await Cluster.SubmitAsync("pub-refused", "1.0-1", "amd64");

        // Then
        var details = await Cluster.WaitForOutcomeAsync("refused by the stage", upload.Id, UploadState.StageRejected);
        Assert.Equal(UploadState.Done, details.Summary.State);
        var answer = Assert.Single(details.Publications!);
        Assert.False(answer.Published);
        Assert.Contains(details.History, h => h.To == UploadState.StageRejected
            && h.Reason == "extras-devel/fremantle refused it: source pub-refused 1.0-1 is already in extras-devel/fremantle");
        var mail = Assert.Single(Cluster.Mail.About(upload.Id), m => m.Subject == "pub-refused 1.0-1 (fremantle): REJECTED by the archive");
        Assert.Contains("source pub-refused 1.0-1 is already in extras-devel/fremantle", mail.Body, StringComparison.Ordinal);
        Assert.Contains("/stage/repo-rejected/fake", mail.Body, StringComparison.Ordinal);
        Assert.Null(details.Latency!.Live);
    }

    [Fact]
    public async Task Should_offer_again_until_answered_When_the_stage_cannot_be_reached()
    {
        // Given: the first two offers fail as an unreachable stage silo would.
        FakeDistributionGrain.FailOffers("pub-later", 2);

        // When
        var upload = await Cluster.SubmitAsync("pub-later", "1.0-1", "amd64");

        // Then: published on the third offer; the failure is in the history once, not once per try.
        var details = await Cluster.WaitForOutcomeAsync("published after the stage came back", upload.Id, UploadState.Published);
        Assert.Single(details.History, h => h.Reason.StartsWith("offer to extras-devel/fremantle failed", StringComparison.Ordinal));
        Assert.Single(FakeDistributionGrain.Offers, o => o.UploadId == upload.Id);
        Assert.Single(Cluster.Mail.About(upload.Id), m => m.Subject.EndsWith("published in extras-devel/fremantle", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_free_the_slot_before_the_stage_answers_When_a_build_ends()
    {
        // Given: the stage takes its time with this upload's offer.
        FakeDistributionGrain.Hold("pub-slot");
        try
        {
            // When
            var upload = await Cluster.SubmitAsync("pub-slot", "1.0-1", "armhf");

            // Then: while the upload waits for the stage in Publishing, its slot (the only armhf one) is idle again.
            var publishing = await Eventually.UntilAsync("publishing", upload.Id, "state Publishing",
                () => Cluster.DetailsAsync(upload.Id), d => d.Summary.State == UploadState.Publishing, GrainClusterFixture.Describe);
            var slot = Assert.Single(publishing.Builds).Slot!;
            await Cluster.WaitForSlotAsync("slot free while the stage works", slot, SlotState.Idle);
            Assert.Equal(UploadState.Publishing, (await Cluster.DetailsAsync(upload.Id)).Summary.State);
            FakeDistributionGrain.Release("pub-slot");
            await Cluster.WaitForOutcomeAsync("published once the stage answered", upload.Id, UploadState.Published);
        }
        finally
        {
            FakeDistributionGrain.Release("pub-slot");
        }
    }
}
