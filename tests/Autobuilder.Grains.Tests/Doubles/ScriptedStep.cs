using Autobuilder.BuildRunner;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>
/// What <see cref="ScriptedBuildExecutor"/> does for one attempt: the outcome it reports, and
/// whether it first hangs until the test releases it (a long build, or a slot that died mid-build).
/// </summary>
public sealed record ScriptedStep(
    BuildOutcome Outcome,
    bool Hang = false,
    IReadOnlyList<string>? MissingDependencies = null,
    string? Summary = null)
{
    public static ScriptedStep Success { get; } = new(BuildOutcome.Success);

    public static ScriptedStep Hanging { get; } = new(BuildOutcome.Success, Hang: true);
}
