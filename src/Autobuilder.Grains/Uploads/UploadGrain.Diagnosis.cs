using Autobuilder.Grains.Services;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Uploads;

/// <summary>
/// Failure diagnosis: a failed build's error lines, and its diff against the last good build of
/// the same source on the same architecture (the newest earlier upload whose build succeeded).
/// </summary>
public sealed partial class UploadGrain
{
    /// <summary>Earlier uploads of the source looked at for a good build, newest first.</summary>
    private const int GoodBuildCandidates = 5;

    /// <summary>Uploads of the product the registry is asked for when looking for earlier ones.</summary>
    private const int RegistryWindow = 2000;

    /// <summary>Diagnoses a build that just failed; a diagnosis that cannot be made leaves the failure as it was.</summary>
    private async Task DiagnoseAsync(BuildRecord build)
    {
        build.Diagnosis = null;
        if (build.Outcome is not (BuildOutcome.BuildFailed or BuildOutcome.BadSource) || build.LogPath is not { Length: > 0 } log)
            return;
        try
        {
            var good = await LastGoodBuildAsync(build.Architecture);
            build.Diagnosis = await diagnosis.DiagnoseAsync(log, good, new DiagnosisContext(S.Source, S.Version));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDiagnosisFailed(logger, Id, build.Architecture, ex.Message);
        }
    }

    /// <summary>The newest earlier upload of this source whose build for <paramref name="architecture"/> succeeded and left a log.</summary>
    private async Task<GoodBuildLog?> LastGoodBuildAsync(string architecture)
    {
        var earlier = (await Registry.ListAsync(RegistryWindow))
            .Where(u => u.Source == S.Source && u.Id != Id && u.ReceivedAt < S.ReceivedAt && u.Outcome != UploadState.Rejected)
            .OrderByDescending(u => u.ReceivedAt)
            .Take(GoodBuildCandidates);
        foreach (var upload in earlier)
        {
            var details = await GrainFactory.GetGrain<IUploadGrain>(upload.Id).GetDetailsAsync();
            var good = details?.Builds.FirstOrDefault(b => b.Architecture == architecture && b.Outcome == BuildOutcome.Success && b.LogPath is { Length: > 0 });
            if (good is not null)
                return new GoodBuildLog(good.LogPath!, upload.Id, upload.Version);
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{UploadId}: no diagnosis of the failed {Architecture} build: {Reason}")]
    private static partial void LogDiagnosisFailed(ILogger logger, string uploadId, string architecture, string reason);
}
