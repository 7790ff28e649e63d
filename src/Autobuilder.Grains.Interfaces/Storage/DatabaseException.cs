using System.Data.Common;
using Orleans.Runtime;

namespace Autobuilder.Grains;

/// <summary>
/// The cluster's database (PostgreSQL) refused or could not be reached while a silo kept grain
/// state, a reminder or one of our own tables there. The driver's own exception types have no
/// Orleans codec, so a database error raised inside a grain call would reach a caller on another
/// silo as a codec error; this one crosses silos and carries what the database said: its SQL state
/// (null when no server answered) and its message.
/// </summary>
[GenerateSerializer]
public sealed class DatabaseException : OrleansException
{
    public DatabaseException()
    {
    }

    public DatabaseException(string message) : base(message)
    {
    }

    public DatabaseException(string message, Exception innerException) : base(message, innerException)
    {
    }

    private DatabaseException(string message, string? sqlState, bool transient) : base(message)
    {
        SqlState = sqlState;
        Transient = transient;
    }

    /// <summary>The SQLSTATE the server sent (e.g. 53300 too many connections), or null when no server answered.</summary>
    [Id(0)] public string? SqlState { get; init; }

    /// <summary>The driver's word that the same call may succeed when tried again (the server away or overloaded).</summary>
    [Id(1)] public bool Transient { get; init; }

    /// <summary>Whether the database could not be reached at all (as opposed to a server that answered with an error).</summary>
    public bool Unreachable => SqlState is null || SqlState.StartsWith("08", StringComparison.Ordinal) || SqlState.StartsWith("57P", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="error"/> as our own exception when it (or an exception inside it) comes from the
    /// database driver, else null. <paramref name="doing"/> says what the silo was doing, for the message.
    /// The driver's exception is not kept as the inner exception: it has no codec, and the inner
    /// exception travels with the outer one (the silo logs the driver's exception where it caught it).
    /// </summary>
    public static DatabaseException? From(Exception error, string doing)
    {
        if (error is DatabaseException ours)
            return ours;
        // Through wrappers only: an exception of ours that holds a driver error already says what to do.
        for (var e = error; e is not null; e = e is AggregateException or OrleansException ? e.InnerException : null)
        {
            if (e is DbException db)
            {
                var state = db.SqlState;
                var what = state is null
                    ? $"the database could not be reached while {doing}: {db.Message}"
                    : $"the database refused while {doing}: SQLSTATE {state}: {db.Message}";
                return new DatabaseException(what, state, db.IsTransient);
            }
        }
        return null;
    }
}
