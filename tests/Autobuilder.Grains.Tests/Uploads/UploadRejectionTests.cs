using Autobuilder.Grains.Tests.Cluster;

namespace Autobuilder.Grains.Tests.Uploads;

public sealed class UploadRejectionTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_RejectWithEveryReasonInHistoryAndMail_When_InspectorFindsProblems()
    {
        // Arrange
        string[] problems = ["reject-files_1.0.tar.xz: size 10 differs from 12 in the .dsc", "reject-files_1.0.tar.xz: SHA256 mismatch"];

        // Act
        var upload = await Cluster.SubmitAsync("reject-files", "1.0", "any", problems: problems);

        // Assert
        var details = await Cluster.WaitForOutcomeAsync("rejection settled", upload.Id, UploadState.Rejected);
        Assert.Equal(UploadState.Rejected, details.Summary.State);
        Assert.Equal(problems, details.Problems);
        Assert.Equal([UploadState.Received, UploadState.Rejected], details.History.Select(h => h.To));
        Assert.Equal(string.Join("; ", problems), details.History[^1].Reason);
        Assert.Empty(details.Builds);
        Assert.Empty(Cluster.Executor.RunsOfUpload(upload.Id));
        Assert.Equal($"/fake/rejected/{upload.Id}", details.Folder);

        var rejection = Assert.Single(Cluster.Inspector.Rejections, r => r.UploadId == upload.Id);
        Assert.Equal(upload.Folder, rejection.Folder);
        Assert.Equal(problems, rejection.Reasons);

        var mail = Assert.Single(Cluster.Mail.About(upload.Id));
        Assert.Equal("reject-files 1.0 (fremantle): REJECTED", mail.Subject);
        Assert.Equal([GrainClusterFixture.Uploader], mail.To);
        Assert.All(problems, p => Assert.Contains(p, mail.Body, StringComparison.Ordinal));
        Assert.Contains($"/fake/rejected/{upload.Id}", mail.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ListTheRejectionAsSettledAgain_When_TheRegistryMissedTheLastWriteBeforeAKill()
    {
        // Arrange: a rejection mailed and settled; then the registry's copy as a kill between the
        // upload's own write and the registry's left it (the chaos run's chaos-b92: listed unsettled
        // for good, its run waiting until its deadline).
        var upload = await Cluster.SubmitAsync("reject-stale", "1.0", "any", problems: ["reject-stale_1.0.tar.xz: size mismatch"]);
        var details = await Cluster.WaitForOutcomeAsync("rejection settled", upload.Id, UploadState.Rejected);
        var registry = Cluster.Client.GetGrain<IUploadRegistryGrain>(details.Summary.Product);
        await registry.UpdateAsync(details.Summary with { Settled = false });

        // Act: what the registry asks of every unsettled upload when the silo starts (one-way).
        await Cluster.Client.GetGrain<IUploadGrain>(upload.Id).ResumeAsync();

        // Assert
        await Eventually.UntilAsync("registry told again", upload.Id, "listed as settled",
            async () => (await registry.ListAsync(1000)).Single(u => u.Id == upload.Id), u => u.Settled, u => $"settled {u.Settled}");
        Assert.Single(Cluster.Mail.About(upload.Id));
    }

    [Fact]
    public async Task Should_Reject_When_ProductIsUnknown()
    {
        // Act
        var upload = await Cluster.SubmitAsync("reject-product", "1.0", "any", product: "sarge");

        // Assert
        var details = await Cluster.WaitForOutcomeAsync("rejection settled", upload.Id, UploadState.Rejected);
        var problem = Assert.Single(details.Problems);
        Assert.StartsWith("unknown product 'sarge'", problem, StringComparison.Ordinal);
        Assert.Contains(problem, details.History[^1].Reason, StringComparison.Ordinal);
        Assert.Contains(problem, Assert.Single(Cluster.Mail.About(upload.Id)).Body, StringComparison.Ordinal);
        Assert.Empty(Cluster.Executor.RunsOfUpload(upload.Id));
    }

    [Fact]
    public async Task Should_RejectNamingTheAcceptedVersion_When_VersionIsNotNewer()
    {
        // Arrange: 2.0-1 is accepted and built.
        var accepted = await Cluster.SubmitAsync("reject-version", "2.0-1", "amd64");
        await Cluster.WaitForOutcomeAsync("accepted upload built", accepted.Id, UploadState.Published);

        // Act: the same version again, and an older one (dpkg order: ~ sorts before everything).
        var same = await Cluster.SubmitAsync("reject-version", "2.0-1", "amd64");
        var older = await Cluster.SubmitAsync("reject-version", "2.0~rc1-1", "amd64");

        // Assert
        Assert.Equal($"{GrainClusterFixture.Product}/reject-version_2.0-1/2", same.Id);
        foreach (var (upload, version) in new[] { (same, "2.0-1"), (older, "2.0~rc1-1") })
        {
            var details = await Cluster.WaitForOutcomeAsync("rejection settled", upload.Id, UploadState.Rejected);
            var problem = Assert.Single(details.Problems);
            Assert.Equal($"version {version} of reject-version is not newer than 2.0-1, already accepted for fremantle (upload {accepted.Id}); raise the version in debian/changelog", problem);
            Assert.Contains("2.0-1", Assert.Single(Cluster.Mail.About(upload.Id)).Body, StringComparison.Ordinal);
            Assert.Empty(Cluster.Executor.RunsOfUpload(upload.Id));
        }
    }

    [Fact]
    public async Task Should_NotUseUpTheVersion_When_UploadIsRejectedForItsFiles()
    {
        // Arrange: 3.0 is rejected for a bad file, so 3.0 was never accepted.
        var broken = await Cluster.SubmitAsync("reject-keeps-version", "3.0", "amd64", problems: ["reject-keeps-version_3.0.tar.xz is missing"]);
        await Cluster.WaitForOutcomeAsync("broken upload rejected", broken.Id, UploadState.Rejected);

        // Act: the fixed upload of the same version.
        var fixedUpload = await Cluster.SubmitAsync("reject-keeps-version", "3.0", "amd64");

        // Assert
        var details = await Cluster.WaitForOutcomeAsync("fixed upload built", fixedUpload.Id, UploadState.Published);
        Assert.Empty(details.Problems);
        Assert.Equal($"{GrainClusterFixture.Product}/reject-keeps-version_3.0/2", fixedUpload.Id);
    }

    [Fact]
    public async Task Should_Reject_When_ArchitectureMatchesNothingConfigured()
    {
        // Act: a real architecture, but not one this autobuilder builds.
        var upload = await Cluster.SubmitAsync("reject-arch", "1.0", "mips64el");

        // Assert
        var details = await Cluster.WaitForOutcomeAsync("rejection settled", upload.Id, UploadState.Rejected);
        var problem = Assert.Single(details.Problems);
        Assert.Contains("Architecture 'mips64el' matches none", problem, StringComparison.Ordinal);
        Assert.Contains("amd64, i386, armhf", problem, StringComparison.Ordinal);
        Assert.Contains(problem, Assert.Single(Cluster.Mail.About(upload.Id)).Body, StringComparison.Ordinal);
        Assert.Empty(Cluster.Executor.RunsOfUpload(upload.Id));

        // A rejection for its architecture does not take the version either.
        var fixedUpload = await Cluster.SubmitAsync("reject-arch", "1.0", "any");
        await Cluster.WaitForOutcomeAsync("fixed upload built", fixedUpload.Id, UploadState.Published);
    }
}
