using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Grains.Stage;
using Autobuilder.Silo.Retention;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Retention;

/// <summary>The sweeper on real folders: what is old goes, what is young stays, links are never followed.</summary>
public sealed class RetentionSweeperTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly TempDir _root = new("ab-retention-");
    private readonly DataPaths _paths;
    private readonly RetentionSweeper _sweeper;

    public RetentionSweeperTests()
    {
        _paths = new DataPaths(_root["var"]);
        _sweeper = new RetentionSweeper(_paths, new StageConfiguration(new AutobuilderOptions { DataRoot = _paths.Root, Products = ["bookworm"] }));
    }

    public void Dispose() => _root.Dispose();

    private string Entry(string folder, int ageDays, params string[] files)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in files)
            File.WriteAllText(Path.Combine(folder, file), new string('x', 100));
        Age(folder, ageDays);
        return folder;
    }

    private static void Age(string path, int days)
    {
        var when = Now.UtcDateTime.AddDays(-days);
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).LinkTarget is null))
            File.SetLastWriteTimeUtc(file, when);
        Directory.SetLastWriteTimeUtc(path, when);
    }

    [Fact]
    public async Task Should_remove_old_rejected_uploads_and_keep_young_ones_When_swept()
    {
        // Arrange: rejected/<product>/<source_version>/<seq>/
        var old = Entry(Path.Combine(_paths.Rejected, "bookworm", "ab-old_1.0-1", "1"), 40, "ab-old_1.0-1.dsc", "REJECTED.txt");
        var young = Entry(Path.Combine(_paths.Rejected, "bookworm", "ab-young_1.0-1", "1"), 2, "ab-young_1.0-1.dsc", "REJECTED.txt");

        // Act
        var line = await _sweeper.SweepAsync(RetentionKind.Rejected, TimeSpan.FromDays(30), Now, dryRun: false);

        // Assert
        Assert.Equal((1, 1, 200L), (line.Removed, line.Kept, line.Bytes));
        Assert.False(Directory.Exists(old));
        Assert.False(Directory.Exists(Path.GetDirectoryName(old)), "the emptied source_version folder was left");
        Assert.True(Directory.Exists(young));
        Assert.Empty(line.Errors);
    }

    [Fact]
    public async Task Should_keep_an_entry_When_one_file_in_it_is_young()
    {
        // Arrange
        var entry = Entry(Path.Combine(_paths.Stray, "bookworm", "20261101-abc"), 40, "REASON.txt");
        File.WriteAllText(Path.Combine(entry, "late.tar.gz"), "new");

        // Act
        var line = await _sweeper.SweepAsync(RetentionKind.Stray, TimeSpan.FromDays(30), Now, dryRun: false);

        // Assert
        Assert.Equal((0, 1), (line.Removed, line.Kept));
        Assert.True(Directory.Exists(entry));
    }

    [Fact]
    public async Task Should_remove_links_but_never_their_targets_When_an_old_entry_holds_symbolic_links()
    {
        // Arrange: an uploader's links moved aside with a rejected upload, and a linked product folder.
        var outside = Entry(_root["outside"], 40, "precious");
        var entry = Entry(Path.Combine(_paths.Stray, "bookworm", "20261101-def"), 40, "REASON.txt");
        File.CreateSymbolicLink(Path.Combine(entry, "x.dsc"), Path.Combine(outside, "precious"));
        Directory.CreateSymbolicLink(Path.Combine(entry, "dir"), outside);
        Directory.CreateSymbolicLink(Path.Combine(_paths.Stray, "linked-product"), outside);
        Age(entry, 40);

        // Act
        var line = await _sweeper.SweepAsync(RetentionKind.Stray, TimeSpan.FromDays(30), Now, dryRun: false);

        // Assert
        Assert.Equal(1, line.Removed);
        Assert.False(Directory.Exists(entry));
        Assert.True(File.Exists(Path.Combine(outside, "precious")), "a link's target was removed");
        Assert.True(new DirectoryInfo(Path.Combine(_paths.Stray, "linked-product")).LinkTarget is not null, "a linked product folder was followed");
    }

    [Fact]
    public async Task Should_change_nothing_When_it_is_a_dry_run()
    {
        // Arrange
        var old = Entry(Path.Combine(_paths.Rejected, "bookworm", "ab-old_1.0-1", "1"), 40, "REJECTED.txt");

        // Act
        var line = await _sweeper.SweepAsync(RetentionKind.Rejected, TimeSpan.FromDays(30), Now, dryRun: true);

        // Assert
        Assert.Equal((1, 100L), (line.Removed, line.Bytes));
        Assert.True(Directory.Exists(old));
    }

    [Fact]
    public async Task Should_remove_only_folders_inside_the_data_root_When_given_settled_uploads()
    {
        // Arrange
        const string id = "bookworm/ab-done_1.0-1/1";
        var upload = Entry(Path.Combine(_paths.Uploads, "bookworm", "20261101-t1"), 40, "ab-done_1.0-1.dsc");
        var results = Entry(Path.Combine(_paths.Results, "bookworm", "ab-done_1.0-1", "1", "amd64"), 40, "ab-done_1.0-1_amd64.deb");
        var logs = Entry(Path.Combine(_paths.Logs, "bookworm", "ab-done_1.0-1", "1"), 40, "amd64.1.log");
        var outside = Entry(_root["elsewhere"], 40, "keep");

        // Act
        var line = await _sweeper.RemoveUploadsAsync(
            [new SettledUpload(id, "bookworm", upload), new SettledUpload("bookworm/../../x/1", "bookworm", outside), new SettledUpload("bookworm/ab-x_1/2", "bookworm", outside)],
            TimeSpan.FromDays(30), kept: 0, dryRun: false);

        // Assert
        Assert.True(line.Removed == 1, $"removed {line.Removed}: {string.Join("; ", line.Errors)}");
        Assert.False(Directory.Exists(upload));
        Assert.False(Directory.Exists(Path.GetDirectoryName(results)));
        Assert.False(Directory.Exists(logs));
        Assert.True(File.Exists(Path.Combine(outside, "keep")), "a folder outside uploads/ was removed");
    }
}
