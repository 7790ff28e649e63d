using Autobuilder.Grains;

namespace Autobuilder.Silo.Execution;

/// <summary>The build runner's arguments for a build, one value each, the same for every executor.</summary>
public static class RunnerArguments
{
    public static IReadOnlyList<string> For(BuildRequest build) =>
    [
        "--dsc", build.DscFileName, "--arch", build.Architecture, "--mode", "host",
        "--build-type", build.Type.ToString().ToLowerInvariant(),
    ];
}
