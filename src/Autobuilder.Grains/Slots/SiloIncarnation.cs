namespace Autobuilder.Grains.Slots;

/// <summary>Identifies this silo process; a slot's build started by another process died with it.</summary>
public sealed class SiloIncarnation
{
    public string Id { get; } = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
}
