using Autobuilder.Debian.Uploads;
using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests;

/// <summary>
/// A per-build folder as an executor prepares it: a real source package made by dpkg-source in an
/// "upload" folder, then its .dsc and the files it names copied into a fresh "build" folder. The
/// runner script is written out of the assembly's embedded copy, as an executor would.
/// </summary>
internal sealed class BuildFolder : IDisposable
{
    private static readonly Lazy<string> NativeArch = new(() => Tool.Run("dpkg", "--print-architecture").Ok().Stdout.Trim());

    private readonly TempDir _dir = new("ab-runner-test-");

    public BuildFolder(SourcePackage? package = null)
    {
        Package = package ?? new SourcePackage();
        Script = BuildRunnerScript.WriteTo(_dir["bin/" + BuildRunnerScript.FileName]);
        Path = _dir["build"];
        Directory.CreateDirectory(Path);
        var upload = _dir["upload"];
        Directory.CreateDirectory(upload);
        var dsc = Package.BuildSource(upload);
        File.Copy(dsc, this[Package.DscName]);
        foreach (var file in DscFile.Load(dsc).Files)
            File.Copy(System.IO.Path.Combine(upload, file.Name), this[file.Name]);
    }

    public static string Arch => NativeArch.Value;

    public SourcePackage Package { get; }
    public string Script { get; }

    /// <summary>The per-build folder: the runner's working directory.</summary>
    public string Path { get; }

    /// <summary>The folder holding this build folder (and the upload it was copied from).</summary>
    public string Root => _dir.Path;

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>The usual host-mode arguments for this package, then <paramref name="extra"/>.</summary>
    public string[] Args(string buildType = "any", params string[] extra) =>
        ["--dsc", Package.DscName, "--arch", Arch, "--mode", "host", "--build-type", buildType, .. extra];

    /// <summary>Chroot-mode arguments for this package with the base tarball <paramref name="tarball"/>, then <paramref name="extra"/>.</summary>
    public string[] ChrootArgs(string tarball, string buildType = "any", params string[] extra) =>
        ["--dsc", Package.DscName, "--arch", Arch, "--mode", "chroot", "--build-type", buildType,
            "--dist", BaseTarballCache.Distribution, "--chroot-tarball", tarball, .. extra];

    /// <summary>Runs the script; <paramref name="timeout"/> (default 2 minutes) bounds a run that hangs.</summary>
    public RunnerRun Run(IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        new(Tool.Run(Script, args, workingDirectory: Path, environment: environment, timeout: timeout ?? TimeSpan.FromMinutes(2)), Path);

    public void Dispose() => _dir.Dispose();
}
