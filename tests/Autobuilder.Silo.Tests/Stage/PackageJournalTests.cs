using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Journal;
using Autobuilder.Silo.Stage;
using Autobuilder.Silo.Stage.Journal;
using Autobuilder.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>The append-only package journal: committed batches survive, a torn tail is dropped, compaction keeps the set.</summary>
public sealed class PackageJournalTests
{
    private static (PackageJournal Journal, TempDir Dir) NewJournal()
    {
        var dir = new TempDir("ab-journal-");
        var options = new AutobuilderOptions { DataRoot = dir.Path, Products = ["bookworm"], Architectures = ["amd64"] };
        var folders = new StageFolders(new DataPaths(dir.Path), new StageConfiguration(options));
        return (new PackageJournal(folders, NullLogger<PackageJournal>.Instance), dir);
    }

    private static PackageRecord Record(string name, string version) =>
        new(name, version, "amd64", "main", name, version, [new PoolFile($"pool/main/a/{name}/{name}_{version}_amd64.deb", 10, new string('a', 64))],
            $"Package: {name}\nVersion: {version}\nDescription: x\n .\n y+z <ü>\n", DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Should_replay_committed_batches_and_drop_a_torn_tail_When_a_crash_cut_an_append()
    {
        // Arrange
        var (journal, dir) = NewJournal();
        using var _ = dir;
        await journal.AppendAsync("extras-devel", "bookworm", new JournalBatch(1, [Record("ab-a", "1.0")], [], "sum1", "one", DateTimeOffset.UnixEpoch), 0);
        await journal.AppendAsync("extras-devel", "bookworm", new JournalBatch(2, [Record("ab-a", "1.1"), Record("ab-b", "1.0")], ["ab-a_1.0_amd64"], null, "two", DateTimeOffset.UnixEpoch), 1);
        var path = journal.PathFor("extras-devel", "bookworm");
        var committed = File.ReadAllBytes(path).Length;
        // A third batch whose commit line never made it to disk, the last line cut in the middle.
        File.AppendAllText(path, "{\"op\":\"add\",\"r\":{\"package\":\"ab-c\"}}\n{\"op\":\"del\",\"k\":\"ab-b_1");

        // Act
        var contents = await journal.LoadAsync("extras-devel", "bookworm");

        // Assert
        Assert.Equal(2, contents.Generation);
        Assert.Equal(["ab-a_1.1_amd64", "ab-b_1.0_amd64"], contents.Records.Select(r => r.Key).Order());
        Assert.Equal(["sum1"], contents.AcceptedChanges);
        Assert.Equal(Record("ab-a", "1.1").Stanza, contents.Records.Single(r => r.Package == "ab-a").Stanza);
        Assert.Equal(committed, new FileInfo(path).Length);
    }

    [Fact]
    public async Task Should_keep_the_package_set_and_accepted_changes_When_the_journal_is_compacted()
    {
        // Arrange: many replacements of one package make dead lines outnumber live ones.
        var (journal, dir) = NewJournal();
        using var _ = dir;
        await journal.AppendAsync("extras-devel", "bookworm", new JournalBatch(1, [Record("ab-keep", "1.0")], [], "first", "", DateTimeOffset.UnixEpoch), 0);
        for (var i = 1; i <= 600; i++)
            await journal.AppendAsync("extras-devel", "bookworm", new JournalBatch(i + 1, [Record("ab-churn", $"{i}.0")], i > 1 ? [$"ab-churn_{i - 1}.0_amd64"] : [], $"sum{i}", "", DateTimeOffset.UnixEpoch), 2);
        var lines = File.ReadAllLines(journal.PathFor("extras-devel", "bookworm")).Length;

        // Act
        var contents = await journal.LoadAsync("extras-devel", "bookworm");

        // Assert
        Assert.True(lines < 1200, $"the journal was not compacted ({lines} lines)");
        Assert.Equal(601, contents.Generation);
        Assert.Equal(["ab-churn_600.0_amd64", "ab-keep_1.0_amd64"], contents.Records.Select(r => r.Key).Order());
        Assert.Contains("first", contents.AcceptedChanges);
        Assert.Contains("sum600", contents.AcceptedChanges);
    }

    [Fact]
    public async Task Should_replay_each_batch_and_its_changes_When_several_were_appended_in_one_write()
    {
        // Arrange: what one queue call commits: three uploads, the third replacing the first's package.
        var (journal, dir) = NewJournal();
        using var _ = dir;
        JournalBatch[] batches =
        [
            new(1, [Record("ab-a", "1.0")], [], "sum-a", "accepted a", DateTimeOffset.UnixEpoch),
            new(2, [Record("ab-b", "1.0")], [], "sum-b", "accepted b", DateTimeOffset.UnixEpoch),
            new(3, [Record("ab-a", "1.1")], ["ab-a_1.0_amd64"], "sum-a2", "accepted a again", DateTimeOffset.UnixEpoch),
        ];

        // Act
        await journal.AppendAsync("extras-devel", "bookworm", batches, 0);
        var contents = await journal.LoadAsync("extras-devel", "bookworm");

        // Assert
        Assert.Equal(3, contents.Generation);
        Assert.Equal(["ab-a_1.1_amd64", "ab-b_1.0_amd64"], contents.Records.Select(r => r.Key).Order());
        Assert.Equal(["sum-a", "sum-a2", "sum-b"], contents.AcceptedChanges.Order());
        Assert.Equal(3, File.ReadLines(journal.PathFor("extras-devel", "bookworm")).Count(l => l.Contains("\"op\":\"commit\"", StringComparison.Ordinal)));
    }
}
