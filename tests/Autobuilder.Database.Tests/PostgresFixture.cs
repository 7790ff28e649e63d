using Autobuilder.Testing;

namespace Autobuilder.Database.Tests;

/// <summary>One real PostgreSQL server for the schema tests; each test makes its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private int _databases;

    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A fresh, empty database.</summary>
    public Task<string> NewDatabaseAsync() => Server.CreateDatabaseAsync($"schema_test_{Interlocked.Increment(ref _databases)}");
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
