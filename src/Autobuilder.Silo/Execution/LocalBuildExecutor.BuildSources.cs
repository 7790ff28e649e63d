using Autobuilder.Grains;

namespace Autobuilder.Silo.Execution;

/// <summary>Chroot builds against our own repositories (issue 12, point 5).</summary>
public sealed partial class LocalBuildExecutor
{
    /// <summary>
    /// The runner's --extra-repository/--extra-repository-key pairs for the distributions the
    /// request names, each key copied into the build folder under a fixed name (the runner takes
    /// only plain names there); and the lines that say which were left out and why, for the log.
    /// </summary>
    private (List<string> Arguments, List<string> Notes) ExtraRepositoryArguments(BuildRequest build, string work)
    {
        var args = new List<string>();
        var notes = new List<string>();
        var n = 0;
        foreach (var distribution in build.BuildSources ?? [])
        {
            string? why = $"{distribution}: this silo has no build-source locator";
            if (buildSources?.Locate(distribution, out why) is not { } location)
            {
                notes.Add($"[autobuilder] build source left out: {why}");
                continue;
            }
            var key = $"build-source-{++n}.gpg";
            File.Copy(location.KeyFile, Path.Combine(work, key));
            args.AddRange(["--extra-repository", location.RunnerSpec, "--extra-repository-key", key]);
            notes.Add($"[autobuilder] build source: {distribution} at {location.Url} ({location.Suite} {string.Join(' ', location.Components)})");
        }
        return (args, notes);
    }
}
