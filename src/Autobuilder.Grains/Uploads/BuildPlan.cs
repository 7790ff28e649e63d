namespace Autobuilder.Grains.Uploads;

/// <summary>Which builds an upload needs, from its Architecture field and the configured architectures.</summary>
public static class BuildPlan
{
    public static List<(string Architecture, BuildType Type)> For(string architectureField, IReadOnlyList<string> configured, out string? problem)
    {
        throw new NotImplementedException();
    }
}
