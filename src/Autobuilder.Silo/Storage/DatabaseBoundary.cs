using System.Data.Common;
using Autobuilder.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Storage;

namespace Autobuilder.Silo.Storage;

/// <summary>
/// Where a silo's calls into the cluster's database end: an error of the database driver raised
/// here leaves as <see cref="DatabaseException"/> (SQL state and message), which Orleans can carry
/// to a caller on another silo. The driver's exception is logged here, whole, once.
/// </summary>
public static partial class DatabaseBoundary
{
    public static async Task RunAsync(Func<Task> call, string doing, ILogger logger)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (DatabaseException.From(ex, doing) is { } db && !ReferenceEquals(db, ex))
        {
            Failed(logger, ex, doing, db.SqlState ?? "none");
            throw db;
        }
    }

    public static async Task<T> RunAsync<T>(Func<Task<T>> call, string doing, ILogger logger)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (DatabaseException.From(ex, doing) is { } db && !ReferenceEquals(db, ex))
        {
            Failed(logger, ex, doing, db.SqlState ?? "none");
            throw db;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database failed while {Doing} (SQLSTATE {SqlState})")]
    private static partial void Failed(ILogger logger, Exception ex, string doing, string sqlState);
}

/// <summary>Grain state in the database (Orleans' ADO.NET storage), its driver errors turned into <see cref="DatabaseException"/>.</summary>
public sealed class DatabaseGrainStorage(IGrainStorage inner, ILogger<DatabaseGrainStorage> logger) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        DatabaseBoundary.RunAsync(() => inner.ReadStateAsync(stateName, grainId, grainState), $"reading the state of {grainId}", logger);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        DatabaseBoundary.RunAsync(() => inner.WriteStateAsync(stateName, grainId, grainState), $"writing the state of {grainId}", logger);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        DatabaseBoundary.RunAsync(() => inner.ClearStateAsync(stateName, grainId, grainState), $"clearing the state of {grainId}", logger);
}

/// <summary>
/// Reminders in the database (Orleans' ADO.NET reminder table), its driver errors turned into
/// <see cref="DatabaseException"/>: the reminder service that calls it answers grains on other silos.
/// </summary>
public sealed class DatabaseReminderTable(IReminderTable inner, ILogger<DatabaseReminderTable> logger) : IReminderTable
{
    public Task StartAsync(CancellationToken cancellationToken = default) =>
        DatabaseBoundary.RunAsync(() => inner.StartAsync(cancellationToken), "starting the reminder table", logger);

    public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        DatabaseBoundary.RunAsync(() => inner.ReadRows(grainId), $"reading the reminders of {grainId}", logger);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        DatabaseBoundary.RunAsync(() => inner.ReadRows(begin, end), "reading reminders", logger);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        DatabaseBoundary.RunAsync(() => inner.ReadRow(grainId, reminderName), $"reading reminder {reminderName} of {grainId}", logger);

    public Task<string?> UpsertRow(ReminderEntry entry) =>
        DatabaseBoundary.RunAsync(() => inner.UpsertRow(entry), $"registering reminder {entry.ReminderName} of {entry.GrainId}", logger);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        DatabaseBoundary.RunAsync(() => inner.RemoveRow(grainId, reminderName, eTag), $"removing reminder {reminderName} of {grainId}", logger);

    public Task TestOnlyClearTable() => inner.TestOnlyClearTable();
}

public static class DatabaseExceptionSerialization
{
    /// <summary>
    /// The last resort for a driver error that leaves by a path the boundary does not wrap (Orleans'
    /// own membership calls, say): Orleans serializes only exceptions of the System, Microsoft and
    /// Azure namespaces generically (type name, message, stack) and fails every other one with a
    /// codec error; database errors (DbException, Npgsql's included) are taken too, so a caller
    /// reads the database's message instead. A silo that cannot load the type makes it an
    /// UnavailableExceptionFallbackException with the same message.
    /// </summary>
    public static void AddDatabaseExceptionFallback(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o =>
        {
            var previous = o.SupportedExceptionTypeFilter;
            o.SupportedExceptionTypeFilter = t => typeof(DbException).IsAssignableFrom(t) || previous?.Invoke(t) == true;
        });
}
