using System.Data;
using Npgsql;

namespace Autobuilder.Database.Tests;

/// <summary>
/// Runs the queries of the OrleansQuery table the way Orleans' ADO.NET providers do: looked up by
/// key, parameters bound by name with the DbTypes the providers give them (strings as String,
/// addresses and grain ids as AnsiString, times as DateTime in UTC), results read by column name.
/// </summary>
public sealed class StoredQueries(string connectionString)
{
    public async Task<string> TextAsync(string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        command.Parameters.AddWithValue("key", key);
        return (string?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no query {key}");
    }

    /// <summary>Runs query <paramref name="key"/> and returns its rows as name → value maps (case-insensitive, as Npgsql's GetOrdinal).</summary>
    public async Task<List<Dictionary<string, object?>>> RunAsync(string key, params (string Name, object? Value, DbType Type)[] parameters)
    {
        var text = await TextAsync(key);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value, type) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            p.DbType = type;
            command.Parameters.Add(p);
        }
        var rows = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < reader.FieldCount; i++)
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                rows.Add(row);
            }
        }
        while (await reader.NextResultAsync());
        return rows;
    }

    public static (string, object?, DbType) Text(string name, string? value) => (name, value, DbType.String);
    public static (string, object?, DbType) Ansi(string name, string? value) => (name, value, DbType.AnsiString);
    public static (string, object?, DbType) Int(string name, int? value) => (name, value, DbType.Int32);
    public static (string, object?, DbType) Long(string name, long value) => (name, value, DbType.Int64);
    public static (string, object?, DbType) Time(string name, DateTime value) => (name, value, DbType.DateTime);
    public static (string, object?, DbType) Bytes(string name, byte[] value) => (name, value, DbType.Binary);
}
