using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Execution;

namespace Autobuilder.Silo.Tests.Limits;

/// <summary>A newer upload of a source stops the older upload's running build, with the reason recorded and mailed.</summary>
[Collection(LimitsCollection.Name)]
public sealed class SupersedeTests(LimitsFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    [Fact]
    public async Task Should_cancel_the_older_uploads_running_build_and_build_the_newer_When_a_newer_version_arrives()
    {
        // Arrange: 1.0-1 is building (and would sleep for days).
        var sleep = BuildProcesses.UniqueSleepSeconds();
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-super", Revision: "1", RulesBuild: $"sleep {sleep}"), fixture.Scratch);
        var old = await Uploads.WaitAsync(Silo, "ab-super", d => d.Summary.State == UploadState.Building, "1.0-1 Building", TimeSpan.FromSeconds(120));
        await BuildProcesses.StartedAsync(sleep, TimeSpan.FromSeconds(120));

        // Act
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-super", Revision: "2"), fixture.Scratch);

        // Assert
        var newer = await Uploads.WaitAsync(Silo, "ab-super", d => d.Summary.Version == "1.0-2" && d.Summary.State == UploadState.Done, "1.0-2 Done",
            TimeSpan.FromSeconds(180));
        Assert.Equal(UploadState.Published, newer.Summary.Outcome);
        var stopped = await Silo.Grains.GetGrain<IUploadGrain>(old.Summary.Id).GetDetailsAsync();
        var reason = $"superseded by {newer.Summary.Id} (version 1.0-2 of ab-super)";
        Assert.Equal(UploadState.Done, stopped!.Summary.State);
        Assert.Equal(UploadState.Cancelled, stopped.Summary.Outcome);
        var build = Assert.Single(stopped.Builds);
        Assert.Equal(BuildOutcome.Cancelled, build.Outcome);
        Assert.Equal(reason, build.Summary);
        Assert.Contains(stopped.History, h => h.Reason.StartsWith(reason, StringComparison.Ordinal));
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
        var mail = await fixture.WaitForMailAsync($"ab-super 1.0-1 {SiloProcess.HostArchitecture} (bookworm): CANCELLED");
        Assert.Contains(reason, mail.TextBody);
        await fixture.WaitForIdleSlotsAsync();
    }
}
