namespace Autobuilder.Grains.Stage;

/// <summary>The result of a pool clean-up.</summary>
public sealed record PoolCollection(IReadOnlyList<string> Removed, int Waiting);
