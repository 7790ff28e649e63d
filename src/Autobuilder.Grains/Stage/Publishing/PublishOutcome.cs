namespace Autobuilder.Grains.Stage.Publishing;

/// <summary>What a publish made live: the generation and the Date its Release carries.</summary>
public sealed record PublishOutcome(long Generation, DateTimeOffset At);

/// <summary>What a remote live sync made live there: the generation, its folder name, and when.</summary>
public sealed record RemoteSyncOutcome(long Generation, string Folder, DateTimeOffset At);
