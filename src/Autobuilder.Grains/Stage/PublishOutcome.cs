namespace Autobuilder.Grains.Stage;

/// <summary>What a publish made live: the generation and the Date its Release carries.</summary>
public sealed record PublishOutcome(long Generation, DateTimeOffset At);
