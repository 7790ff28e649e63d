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
        var details = await Cluster.WaitForOutcomeAsync("upload whose mail failed twice", upload.Id, UploadState.Published);
        Assert.Equal(UploadState.Done, details.Summary.State);
        Assert.Single(Cluster.Mail.AboutBuilds(upload.Id));
        Assert.Contains(details.History, h => h.Reason.Contains("mail not sent (test: mail server down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_publish_without_waiting_for_the_mail_When_the_mail_server_stays_down()
    {
        // Arrange: every mail about this upload fails as a server that is down does.
        Cluster.Mail.DownFor("mail-down");

        // Act
        var upload = await Cluster.SubmitAsync("mail-down", "1.0-1", "amd64");

        // Assert: published while its mails wait (not settled: the mails are owed) ...
        var published = await Eventually.UntilAsync("upload whose mails cannot go yet", upload.Id, "Published",
            () => Cluster.DetailsAsync(upload.Id), d => d.Summary.State == UploadState.Published, GrainClusterFixture.Describe);
        Assert.False(published.Summary.Settled);
        Assert.Empty(Cluster.Mail.About(upload.Id));
        Assert.Contains(published.History, h => h.Reason.Contains("mail not sent (test: mail server down", StringComparison.Ordinal));

        // ... and once the server is back, both mails go and the upload is done.
        Cluster.Mail.Recover("mail-down");
        var done = await Cluster.WaitForOutcomeAsync("upload whose mails went later", upload.Id, UploadState.Published);
        Assert.Equal(UploadState.Done, done.Summary.State);
        Assert.Single(Cluster.Mail.AboutBuilds(upload.Id));
        Assert.Equal(2, Cluster.Mail.About(upload.Id).Count);
    }

    [Fact]
    public async Task Should_give_the_mail_up_once_with_its_reason_When_it_can_never_be_sent()
    {
        // Given: every mail about this upload fails for good (an address that is not one).
        Cluster.Mail.RefuseForGood("mail-never", "To address 'nobody' is not a valid mail address.");

        // When
        var upload = await Cluster.SubmitAsync("mail-never", "1.0-1", "amd64");

        // Then: the upload settles; the reason is recorded once per mail (the build's and the archive's answer); nothing is retried.
        var details = await Cluster.WaitForOutcomeAsync("upload whose mail can never go", upload.Id, UploadState.Published);
        Assert.Equal(UploadState.Done, details.Summary.State);
        var givenUp = details.History.Where(h => h.Reason.StartsWith("mail given up", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, givenUp.Count);
        Assert.All(givenUp, g => Assert.Contains("To address 'nobody' is not a valid mail address.", g.Reason));

        Assert.DoesNotContain(details.History, h => h.Reason.Contains("trying again", StringComparison.Ordinal));
        await Task.Delay(TimeSpan.FromSeconds(2)); // four retry periods of the fixture (0.5 s): nothing comes back
        var later = await Cluster.DetailsAsync(upload.Id);
        Assert.Equal(2, later.History.Count(h => h.Reason.StartsWith("mail given up", StringComparison.Ordinal)));
        Assert.DoesNotContain(later.History, h => h.Reason.StartsWith("mail not sent", StringComparison.Ordinal));
    }
}
