namespace Autobuilder.BuildRunner;

/// <summary>The step <c>ab-build-runner</c> is in, as written to the <c>state=</c> line of its state file.</summary>
public enum BuildRunnerState
{
    /// <summary>Checking arguments, tools, architecture and free space.</summary>
    Init,

    /// <summary>Unpacking the source and checking build dependencies.</summary>
    Setup,

    /// <summary>dpkg-buildpackage is running.</summary>
    Build,

    /// <summary>Finished; the state file then also carries the outcome.</summary>
    Done,
}
