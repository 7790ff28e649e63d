using Autobuilder.Grains;

namespace Autobuilder.Silo.Execution;

/// <summary>Chroot builds against our own repositories (issue 12, point 5).</summary>
public sealed partial class LocalBuildExecutor
{
    /// <summary>
    /// The runner's --extra-repository/--extra-repository-key pairs for the distributions the
    /// request names, each key copied into the build folder under its plain name; and the lines
    /// that say which were used and which left out and why, for the log.
    /// </summary>
    private (List<string> Arguments, List<string> Notes) ExtraRepositoryArguments(BuildRequest build, string work)
    {
        var sources = BuildSourceArguments.Resolve(build, buildSources);
        foreach (var (keyFile, name) in sources.Keys)
            File.Copy(keyFile, Path.Combine(work, name));
        return ([.. sources.RunnerArguments], [.. sources.Notes]);
    }
}
