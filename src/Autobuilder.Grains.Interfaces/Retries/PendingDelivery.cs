namespace Autobuilder.Grains;

/// <summary>What kind of hand-off waits to be tried again.</summary>
public enum DeliveryKind
{
    /// <summary>An upload intake took, not yet handed to its grain.</summary>
    Intake,
    /// <summary>A built upload's offer to the stage (or a publish waiting for disk space).</summary>
    Publish,
    /// <summary>A mail to the uploader the mail server did not take.</summary>
    Mail,
    /// <summary>An upload whose state write failed (the database away): written again, then resumed.</summary>
    State,
    /// <summary>A finished build's result its upload did not take (the garage or its database away).</summary>
    BuildResult,
    /// <summary>A set in the garage's repo-incoming not yet sent to the stage host.</summary>
    Forward,
    /// <summary>A remote live tree behind its distribution: the rsync over SSH failed.</summary>
    RemoteSync,
}

/// <summary>A hand-off that failed and is tried again on a timer with back-off: what, since when, how often, when next, why.</summary>
[GenerateSerializer, Immutable]
public sealed record PendingDelivery(
    [property: Id(0)] DeliveryKind Kind,
    [property: Id(1)] string What,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] int Attempts,
    [property: Id(4)] DateTimeOffset NextTry,
    [property: Id(5)] string LastError);
