namespace Autobuilder.Grains.Services;

/// <summary>Reads a failed build's log (bounded, however large it is) and says what went wrong in it.</summary>
public interface IBuildDiagnosis
{
    /// <summary>
    /// The error lines of the log at <paramref name="logPath"/>, and when <paramref name="lastGood"/>
    /// is given, the diff of the failing region against that log. Null when the log cannot be read.
    /// </summary>
    Task<BuildDiagnosis?> DiagnoseAsync(string logPath, GoodBuildLog? lastGood, DiagnosisContext context, CancellationToken ct = default);
}

/// <summary>The log of the last good build of the same source and architecture.</summary>
public sealed record GoodBuildLog(string LogPath, string UploadId, string Version);

/// <summary>What the diff may treat as volatile: the source's name and the failing build's version.</summary>
public sealed record DiagnosisContext(string Source, string Version);
