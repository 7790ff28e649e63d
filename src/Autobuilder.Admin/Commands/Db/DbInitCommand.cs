using Autobuilder.Database;
using Npgsql;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Db;

/// <summary>
/// <c>autobuilder db init</c>: creates or brings up to date the PostgreSQL schema of a cluster
/// (membership, grain state, reminders). Safe to run again: it applies only what is missing.
/// </summary>
public sealed class DbInitCommand : AsyncCommand<DbInitSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DbInitSettings settings, CancellationToken cancellationToken)
    {
        SchemaResult result;
        try
        {
            result = await DatabaseSchema.ApplyAsync(settings.EffectiveConnection!, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            // Bad connection strings, unreachable servers and refused logins are the operator's to fix: one line.
            throw new ConsoleException($"database schema not applied: {ex.Message}");
        }
        if (settings.Json)
        {
            Output.WriteJson(new { version = result.Version, applied = result.Applied.Select(s => s.Name) });
            return 0;
        }
        Console.WriteLine(result.Applied.Count == 0
            ? $"schema up to date (version {result.Version})"
            : $"schema at version {result.Version}; applied: {string.Join(", ", result.Applied.Select(s => s.Name))}");
        return 0;
    }
}
