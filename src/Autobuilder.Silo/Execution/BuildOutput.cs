using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// What every executor does on the garage side, wherever the build ran: a local folder per attempt
/// holding the runner's files, the live log under logs/, and the results copied to results/ in one
/// rename. The local executor builds in that folder; the SSH executor downloads into it.
/// </summary>
public static class BuildOutput
{
    /// <summary>A fresh, empty folder for this attempt under work/&lt;slot&gt;/.</summary>
    public static string FreshWorkFolder(DataPaths paths, SlotConfig slot, BuildAssignment assignment)
    {
        var work = Path.Combine(paths.Work, Safe(slot.Key), $"{Safe(assignment.Build.Id)}.{assignment.Attempt}");
        if (Directory.Exists(work))
            Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        return work;
    }

    /// <summary>logs/&lt;upload id&gt;/&lt;arch&gt;.&lt;attempt&gt;.log, written while the build runs.</summary>
    public static string LiveLogPath(DataPaths paths, BuildAssignment assignment)
    {
        var path = paths.LiveLog(assignment.Build.UploadId, assignment.Build.Architecture, assignment.Attempt);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>
    /// Copies log and produced files of <paramref name="result"/> to results/ and describes the
    /// attempt. A build the executor <paramref name="stopped"/> gets that verdict, and only its log
    /// is kept: whatever a killed build left is not a result.
    /// </summary>
    public static BuildResult Publish(DataPaths paths, SlotConfig slot, BuildAssignment assignment, BuildRunnerResult result, DateTimeOffset started,
        BuildStop? stopped = null)
    {
        var build = assignment.Build;
        var resultsFolder = paths.ResultsFor(build.Product, build.UploadId, build.Architecture);
        IReadOnlyList<string> files = stopped is null ? result.Files : [];
        var outcome = stopped?.Outcome ?? result.Outcome;
        var summary = stopped?.Reason ?? result.Reason ?? BuildRunnerFiles.OutcomeWord(result.Outcome);
        var log = Path.Combine(resultsFolder, BuildRunnerFiles.Log);
        List<(string File, string Problem)> refused = [];
        try
        {
            refused = PublishResults(result, files, resultsFolder);
        }
        catch (IOException ex) when (stopped is not null)
        {
            // A build stopped because its log could not be written (a full disk) usually cannot
            // have its log copied either; the verdict matters more than the log.
            summary += $" (its log could not be kept: {ex.Message})";
            log = "";
        }
        if (refused.Count > 0 && outcome == BuildOutcome.Success)
            (outcome, summary) = (BuildOutcome.BuildFailed, $"results refused: {string.Join("; ", refused.Select(r => $"{r.File}: {r.Problem}"))}");
        return new BuildResult(build.Id, assignment.Attempt, slot.Key, outcome, summary, stopped is null ? result.MissingBuildDependencies : [],
            resultsFolder, log, [.. files.Except(refused.Select(r => r.File))], started, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Copies log and produced files to results/…/&lt;arch&gt;/ as one rename, replacing an earlier
    /// attempt's. The build folder is the package's to write: a log or result that is not a regular
    /// file (a link to the signing key, a FIFO) is never opened; such results are returned, with why.
    /// </summary>
    private static List<(string File, string Problem)> PublishResults(BuildRunnerResult result, IReadOnlyList<string> files, string resultsFolder)
    {
        var refused = new List<(string File, string Problem)>();
        var parent = Path.GetDirectoryName(resultsFolder)!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(resultsFolder)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        var log = Path.Combine(result.BuildFolder, BuildRunnerFiles.Log);
        if (Files.RegularFile.Problem(log) is null)
            CopyRegular(log, Path.Combine(temp, BuildRunnerFiles.Log));
        foreach (var file in files)
        {
            if (Files.RegularFile.Problem(result.PathOf(file)) is { } problem)
                refused.Add((file, problem));
            else
                CopyRegular(result.PathOf(file), Path.Combine(temp, file));
        }
        if (Directory.Exists(resultsFolder))
            Directory.Delete(resultsFolder, recursive: true);
        Directory.Move(temp, resultsFolder);
        Storage.DurableFile.SyncDirectory(parent);
        return refused;
    }

    private static void CopyRegular(string source, string destination)
    {
        using var input = Files.RegularFile.OpenRead(source);
        using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
        input.CopyTo(output);
    }

    public static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // An orphaned build process may still write there; the next attempt's folder has another name.
        }
    }

    /// <summary>A slot key or build id as one folder name.</summary>
    public static string Safe(string id) => id.Replace('/', '_');
}
