using Autobuilder.BuildRunner;
using Autobuilder.Grains.Tests.Cluster;

namespace Autobuilder.Grains.Tests.Uploads;

/// <summary>A build whose results are refused at hand-off fails with the reason, and nothing of it is queued.</summary>
public sealed class UploadResultOwnershipTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_fail_the_build_naming_the_file_and_queue_nothing_When_its_results_are_refused()
    {
        // Given: the hand-off finds a package of another source among the results.
        const string reason = "bash_99_amd64.deb: built from source bash, not from this upload's foreign-results";
        Cluster.Handoff.Refuse("foreign-results", reason);

        // When
        var upload = await Cluster.SubmitAsync("foreign-results", "1.0-1", "amd64");

        // Then
        var details = await Cluster.WaitForOutcomeAsync("build with foreign results", upload.Id, UploadState.Failed);
        var build = Assert.Single(details.Builds);
        Assert.Equal(BuildOutcome.BuildFailed, build.Outcome);
        Assert.Equal($"results refused: {reason}", build.Summary);
        Assert.DoesNotContain(Cluster.Offered, c => c.ResultsFolder.Contains(upload.Id, StringComparison.Ordinal));
        var mail = Assert.Single(Cluster.Mail.About(upload.Id));
        Assert.Equal("foreign-results 1.0-1 amd64 (fremantle): FAILED", mail.Subject);
        Assert.Contains(reason, mail.Body);
    }
}
