using Autobuilder.Grains;
using Npgsql;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// A database error raised inside a grain reaches a caller on another silo as our DatabaseException
/// with the database's SQL state and words, not as an Orleans codec error (Npgsql's exception types
/// have no codec: the cluster benchmark died of exactly that).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DatabaseErrorTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Should_give_the_caller_the_SQL_state_and_message_When_the_database_refuses_a_call_inside_a_grain_on_another_silo()
    {
        // Arrange: the account directory's version row refuses every change, as a server out of
        // connection slots would (SQLSTATE 53300); reads still work.
        await SqlAsync("""
            CREATE FUNCTION pgdown_refuse() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '53300'; END $$;
            CREATE TRIGGER pgdown_refuse BEFORE UPDATE ON account_directory FOR EACH ROW EXECUTE FUNCTION pgdown_refuse();
            """);
        try
        {
            // Act: through the stage's gateway; the directory grain and its store are on the garage.
            var directory = fixture.Stage.Grains.GetGrain<IAccountDirectoryGrain>(0);
            var error = await Assert.ThrowsAsync<DatabaseException>(() =>
                directory.AddAsync(new NewAccount("pgdown-refused", "Refused Account", "refused@cluster.example.org", [])));

            // Assert
            Assert.Equal("53300", error.SqlState);
            Assert.Contains("refused by the test", error.Message);
            Assert.Contains("saving the account directory", error.Message);
            Assert.False(error.Unreachable);
        }
        finally
        {
            await SqlAsync("DROP TRIGGER pgdown_refuse ON account_directory; DROP FUNCTION pgdown_refuse();");
        }

        // The refused change was not kept, and the directory takes the next one.
        var again = fixture.Stage.Grains.GetGrain<IAccountDirectoryGrain>(0);
        await again.AddAsync(new NewAccount("pgdown-taken", "Taken Account", "taken@cluster.example.org", []));
        var logins = (await again.ListAsync()).Select(a => a.Login).ToList();
        Assert.Contains("pgdown-taken", logins);
        Assert.DoesNotContain("pgdown-refused", logins);
        Assert.DoesNotContain("CodecNotFoundException", fixture.Garage.Output);
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
