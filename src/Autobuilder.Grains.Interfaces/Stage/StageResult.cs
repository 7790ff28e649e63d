namespace Autobuilder.Grains;

/// <summary>The answer to an operator's stage command: done or refused, and why, in one sentence.</summary>
[GenerateSerializer, Immutable]
public sealed record StageResult(
    [property: Id(0)] bool Ok,
    [property: Id(1)] string Message,
    [property: Id(2)] long? Generation = null)
{
    public static StageResult Refused(string message) => new(false, message);
}
