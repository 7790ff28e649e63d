using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>The whole way: a source upload built by dpkg-buildpackage, handed to the stage, published, installed by apt.</summary>
[Collection(PipelineCollection.Name)]
public sealed class StagePipelineTests(PipelineFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    [Fact]
    public async Task Should_install_the_built_package_with_apt_When_an_upload_went_through_build_and_stage()
    {
        // Arrange
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-e2e"), fixture.Scratch);
        await Uploads.WaitAsync(Silo, "ab-e2e", d => d.Summary.State == UploadState.Done, "Done");

        // Act
        var published = await StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-e2e", "1.0-1");
        using var apt = StageQueue.Apt(Silo, "extras-devel");
        using var root = new TempDir("ab-root-");
        var update = apt.Update();
        var installed = StageQueue.DownloadAndInstall(apt, "ab-e2e", root.Path);

        // Assert
        StageQueue.AssertCleanUpdate(update);
        Assert.Equal("1.0-1", installed);
        Assert.Equal("Hello from ab-e2e 1.0-1", Tool.Run(Path.Combine(root.Path, "usr", "bin", "ab-e2e")).Ok().Stdout.Trim());
        Assert.Empty(published.Status.Rejections);
        Assert.Empty(Directory.GetFiles(StageQueue.Queue(Silo, "extras-devel")));
    }
}
