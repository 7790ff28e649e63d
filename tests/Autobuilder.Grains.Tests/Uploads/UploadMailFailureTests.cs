using Autobuilder.Grains.Tests.Cluster;

namespace Autobuilder.Grains.Tests.Uploads;

public sealed class UploadMailFailureTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_finish_and_mail_later_When_the_mail_server_is_down_at_first()
    {
        // Arrange: the first two sends fail.
        Cluster.Mail.FailNext(2);

        // Act
        var upload = await Cluster.SubmitAsync("mail-later", "1.0-1", "amd64");

        // Assert: the upload is not held up for good; it ends Done with its mail sent once.
        var details = await Cluster.WaitForOutcomeAsync("upload whose mail failed twice", upload.Id, UploadState.Built);
        Assert.Equal(UploadState.Done, details.Summary.State);
        Assert.Single(Cluster.Mail.About(upload.Id));
        Assert.Contains(details.History, h => h.Reason.Contains("mail not sent (test: mail server down", StringComparison.Ordinal));
    }
}
