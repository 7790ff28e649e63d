using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>Test double: the scripted builds write no logs, so there is nothing to diagnose (the real one is tested in the silo tests).</summary>
public sealed class NoBuildDiagnosis : IBuildDiagnosis
{
    public Task<BuildDiagnosis?> DiagnoseAsync(string logPath, GoodBuildLog? lastGood, DiagnosisContext context, CancellationToken ct = default) =>
        Task.FromResult<BuildDiagnosis?>(null);
}
