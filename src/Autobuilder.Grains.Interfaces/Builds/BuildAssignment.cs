namespace Autobuilder.Grains;

/// <summary>
/// A build given to a slot. <see cref="Attempt"/> counts from 1 and tells one run of a build from
/// a retry: a report for an attempt that is no longer current is ignored.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BuildAssignment(
    [property: Id(0)] BuildRequest Build,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Slot);
