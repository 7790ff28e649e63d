namespace Autobuilder.Grains.Stage.Pool;

/// <summary>One incoming file and the pool path (below the repository root) it goes to.</summary>
public sealed record PoolPlacement(string FileName, string PoolPath, string Sha256);
