namespace Autobuilder.Grains;

/// <summary>One allowed change: who (certificate name and role), what (grain, method, arguments), when, and how it ended.</summary>
[GenerateSerializer, Immutable]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Who,
    [property: Id(2)] string Role,
    [property: Id(3)] string What,
    [property: Id(4)] string Result);
