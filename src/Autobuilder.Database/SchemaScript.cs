namespace Autobuilder.Database;

/// <summary>One versioned step of the schema: an embedded script named "NNNN-name.sql".</summary>
public sealed record SchemaScript(int Version, string Name, string Sql);
