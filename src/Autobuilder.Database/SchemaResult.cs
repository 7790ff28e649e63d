namespace Autobuilder.Database;

/// <summary>What <see cref="DatabaseSchema.ApplyAsync"/> did: the scripts it applied now, and the version the database is at.</summary>
public sealed record SchemaResult(IReadOnlyList<SchemaScript> Applied, int Version);
