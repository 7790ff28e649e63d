using Autobuilder.Grains;
using Autobuilder.Grains.Uploads;
using Autobuilder.Silo.Uploads;
using Microsoft.Data.Sqlite;

namespace Autobuilder.Silo.Tests.Web;

/// <summary>
/// The search of the SQLite read model through its trigram index: the index follows every change
/// of a row, a file written before the index existed is indexed when opened, and text too short
/// for a trigram is still found (by LIKE).
/// </summary>
public sealed class UploadIndexSearchTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new("ab-uploadsearch-");

    public void Dispose() => _dir.Dispose();

    private static UploadSummary Upload(int n, string reason) =>
        new($"bookworm/pkg{n}_1.{n}/1", "bookworm", $"pkg{n}", $"1.{n}", UploadState.Done, UploadState.Published, T0.AddMinutes(n), T0.AddMinutes(n + 1),
            reason, true, null, null);

    private static async Task<List<string>> Found(IUploadIndex index, string text) =>
        [.. (await index.QueryAsync(new UploadQuery(Text: text))).Uploads.Select(u => u.Id)];

    [Fact]
    public async Task Should_FindOnlyTheCurrentText_When_ARowsReasonChangesOrItIsRemoved()
    {
        // Given
        var index = new SqliteUploadIndex(_dir["uploads.sqlite"]);
        await index.SaveAsync([Upload(1, "queued for amd64"), Upload(2, "queued for armel (Zq)")]);

        // When: upload 1 moves on (the registry saves its new summary over the row).
        await index.SaveAsync([Upload(1, "Published in extras-devel, generation 9")]);

        // Then
        Assert.Equal(["bookworm/pkg2_1.2/1"], await Found(index, "queued"));
        Assert.Equal(["bookworm/pkg1_1.1/1"], await Found(index, "GENERATION 9"));
        Assert.Equal(["bookworm/pkg1_1.1/1"], await Found(index, "pkg1_1.1"));
        Assert.Empty(await Found(index, "\"quoted\" text"));
        // Two characters: no trigram holds them; LIKE finds them all the same.
        Assert.Equal(["bookworm/pkg2_1.2/1"], await Found(index, "zQ"));
    }

    [Fact]
    public async Task Should_IndexTheRowsAlreadyThere_When_AFileFromBeforeTheIndexIsOpened()
    {
        // Given: a read model written by a silo before the search had its index (the table alone).
        var path = _dir["uploads.sqlite"];
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE uploads (id TEXT NOT NULL PRIMARY KEY, product TEXT NOT NULL, series TEXT NOT NULL, sequence INTEGER NOT NULL,
                    source TEXT NOT NULL, version TEXT NOT NULL, state TEXT NOT NULL, outcome TEXT, received_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL, last_reason TEXT NOT NULL, settled INTEGER NOT NULL, account TEXT, latency TEXT);
                INSERT INTO uploads VALUES ('bookworm/old_1.0/1', 'bookworm', 'old_1.0', 1, 'old', '1.0', 'Done', 'Published', 1, 2, 'published long ago', 1, NULL, NULL);
                """;
            await command.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        // When
        var index = new SqliteUploadIndex(path);
        await index.SaveAsync([Upload(3, "published today")]);

        // Then: the old row is found by its text as the new one is.
        Assert.Equal(["bookworm/old_1.0/1"], await Found(index, "long ago"));
        Assert.Equal(["bookworm/pkg3_1.3/1", "bookworm/old_1.0/1"], await Found(index, "published"));
    }
}
