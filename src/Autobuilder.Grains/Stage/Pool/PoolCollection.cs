namespace Autobuilder.Grains.Stage.Pool;

/// <summary>The result of a pool clean-up.</summary>
public sealed record PoolCollection(IReadOnlyList<string> Removed, int Waiting);
