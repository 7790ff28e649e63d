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

    /// <summary>Copies log and produced files of <paramref name="result"/> to results/ and describes the attempt.</summary>
    public static BuildResult Publish(DataPaths paths, SlotConfig slot, BuildAssignment assignment, BuildRunnerResult result, DateTimeOffset started)
    {
        var build = assignment.Build;
        var resultsFolder = paths.ResultsFor(build.Product, build.UploadId, build.Architecture);
        PublishResults(result, resultsFolder);
        var summary = result.Reason ?? BuildRunnerFiles.OutcomeWord(result.Outcome);
        return new BuildResult(build.Id, assignment.Attempt, slot.Key, result.Outcome, summary, result.MissingBuildDependencies,
            resultsFolder, Path.Combine(resultsFolder, BuildRunnerFiles.Log), result.Files, started, DateTimeOffset.UtcNow);
    }

    /// <summary>Copies log and produced files to results/…/&lt;arch&gt;/ as one rename, replacing an earlier attempt's.</summary>
    private static void PublishResults(BuildRunnerResult result, string resultsFolder)
    {
        var parent = Path.GetDirectoryName(resultsFolder)!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(resultsFolder)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        var log = Path.Combine(result.BuildFolder, BuildRunnerFiles.Log);
        if (File.Exists(log))
            File.Copy(log, Path.Combine(temp, BuildRunnerFiles.Log));
        foreach (var file in result.Files)
            File.Copy(result.PathOf(file), Path.Combine(temp, file));
        if (Directory.Exists(resultsFolder))
            Directory.Delete(resultsFolder, recursive: true);
        Directory.Move(temp, resultsFolder);
        Storage.DurableFile.SyncDirectory(parent);
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
