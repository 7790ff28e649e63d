namespace Autobuilder.Grains.Slots;

[GenerateSerializer]
public sealed class BuilderRegistryGrainState
{
    /// <summary>Slots added with <c>builders add</c>, in the order they were added.</summary>
    [Id(0)] public List<SlotConfig> Added { get; set; } = [];
}
