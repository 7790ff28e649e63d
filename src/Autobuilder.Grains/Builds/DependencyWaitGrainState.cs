namespace Autobuilder.Grains.Builds;

[GenerateSerializer]
public sealed class DependencyWaitGrainState
{
    [Id(0)] public List<WaitingBuild> Waits { get; set; } = [];
}

/// <summary>One recorded wait and which of its missing entries publishes have satisfied so far.</summary>
[GenerateSerializer]
public sealed class WaitingBuild
{
    [Id(0)] public DependencyWait Wait { get; set; } = null!;

    /// <summary>Per entry of <see cref="DependencyWait.Missing"/>: what satisfied it ("libfoo-dev 1.3 in extras-devel/bookworm"), or null.</summary>
    [Id(1)] public List<string?> SatisfiedBy { get; set; } = [];
}
