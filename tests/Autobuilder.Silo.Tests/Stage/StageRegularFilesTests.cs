using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// repo-incoming is fed by builds: the stage reads only regular files there. A .deb that is a
/// symbolic link (even to the genuine package, sums and all) or a .changes that is a FIFO is
/// rejected with its reason, without being followed or blocking the queue.
/// </summary>
[Collection(StageCollection.Name)]
public sealed class StageRegularFilesTests(StageFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;
    private const string Devel = "extras-devel/bookworm";

    [Fact]
    public async Task Should_reject_a_symlinked_deb_and_a_FIFO_changes_with_their_reasons_and_still_publish_the_next_upload()
    {
        // Given: a package whose .deb sits in the queue as a link to the real file, and a FIFO named like a .changes.
        var folder = Path.Combine(fixture.Scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var package = new StagePackage("ab-linked");
        var changes = package.Build(folder);
        var queue = StageQueue.Queue(Silo, "extras-devel");
        Directory.CreateDirectory(queue);
        var debName = package.DebName("ab-linked", "amd64");
        File.CreateSymbolicLink(Path.Combine(queue, debName), Path.Combine(folder, debName));
        File.Copy(changes, Path.Combine(queue, ".linked.part"));
        File.Move(Path.Combine(queue, ".linked.part"), Path.Combine(queue, Path.GetFileName(changes)));
        Tool.Run("mkfifo", Path.Combine(queue, "ab-fifo_1.0-1_amd64.changes")).Ok();

        // When
        var linked = await StageQueue.WaitForRejectionAsync(Silo, Devel, Path.GetFileName(changes));
        var fifo = await StageQueue.WaitForRejectionAsync(Silo, Devel, "ab-fifo_1.0-1_amd64.changes");
        StageQueue.Drop(Silo, new StagePackage("ab-after-links"), fixture.Scratch);
        var after = await StageQueue.WaitForAsync(Silo, Devel, "ab-after-links", "1.0-1");

        // Then
        Assert.Contains(linked.Status.Rejections.Last(r => r.Changes == Path.GetFileName(changes)).Reasons,
            r => r == $"{debName}: is a symbolic link, not a regular file");
        Assert.Contains(fifo.Status.Rejections.Last(r => r.Changes == "ab-fifo_1.0-1_amd64.changes").Reasons,
            r => r.Contains("is a FIFO (named pipe), not a regular file", StringComparison.Ordinal));
        Assert.DoesNotContain(after.Sources, s => s.Source == "ab-linked");
        // Nothing of it anywhere in the data root but its rejected folder (find -P follows no link).
        var found = Tool.Run("find", "-P", Silo.DataRoot, "-name", "ab-linked_*", "-not", "-path", "*/repo-rejected/*").Ok().Stdout;
        Assert.Equal("", found);
    }
}
