using Autobuilder.Grains.Tests.Cluster;

namespace Autobuilder.Grains.Tests.Uploads;

/// <summary>The upload keeps a record of every mail: kind, addresses, subject, tries and result (what the upload page and API show).</summary>
public sealed class UploadMailRecordTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_RecordEachMailWithItsTriesAndResult_When_TheServerIsDownAtFirst()
    {
        // Given: the mail server is down for this upload's mails.
        Cluster.Mail.DownFor("mail-record");
        var upload = await Cluster.SubmitAsync("mail-record", "1.0-1", "amd64");
        var waiting = await Eventually.UntilAsync("mails owed", upload.Id, "the build mail tried and not sent",
            () => Cluster.DetailsAsync(upload.Id), d => d.Mails?.Any(m => m.Kind == "build amd64" && m.Result.StartsWith("not sent", StringComparison.Ordinal)) == true,
            GrainClusterFixture.Describe);
        Assert.Contains("test: mail server down", waiting.Mails!.First(m => m.Kind == "build amd64").Result, StringComparison.Ordinal);

        // When: it is back.
        Cluster.Mail.Recover("mail-record");
        var done = await Cluster.WaitForOutcomeAsync("mails sent later", upload.Id, UploadState.Published);

        // Then: one entry per mail, sent, with what the server got; the build mail's failed tries counted in it.
        var mails = done.Mails ?? [];
        Assert.Equal(["build amd64", "publication"], mails.Select(m => m.Kind));
        var build = mails[0];
        Assert.True(build.Attempts >= 2, $"build mail: {build.Attempts} tries");
        Assert.True(build.LastTriedAt > build.FirstTriedAt);
        var sent = Cluster.Mail.About(upload.Id);
        Assert.All(mails, m =>
        {
            Assert.Equal("sent", m.Result);
            var message = Assert.Single(sent, s => s.Subject == m.Subject);
            Assert.Equal(message.To, m.To);
            Assert.Equal(message.Cc, m.Cc);
        });
    }
}
