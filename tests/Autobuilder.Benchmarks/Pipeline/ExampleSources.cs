using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Pipeline;

/// <summary>
/// The shipped example package (examples/hello-autobuilder-1.0) at other versions, made with the
/// real dpkg-source before anything is timed: each upload must be newer than the last, as a second
/// upload of one version is refused. Optionally signed as an uploader signs it (the .dsc
/// clear-signed, what <c>autobuilder upload --sign</c> does for a .dsc-only upload), and with the
/// source-only .changes dpkg-genchanges -S writes (for tools that take .changes, like reprepro).
/// </summary>
internal static class ExampleSources
{
    public const string Package = "hello-autobuilder";

    /// <summary>One folder per version under <paramref name="folder"/>; returns the .dsc paths in order.</summary>
    public static List<string> Make(string repo, string folder, IEnumerable<string> versions, UploaderGpgKey? signer = null, bool sourceChanges = false)
    {
        var dscs = new List<string>();
        foreach (var version in versions)
        {
            var dir = Path.Combine(folder, version);
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
            var tree = Path.Combine(dir, $"{Package}-{version}");
            Directory.CreateDirectory(dir);
            Tool.Run("cp", "-a", Path.Combine(repo, "examples", $"{Package}-1.0"), tree).Ok();
            var changelog = Path.Combine(tree, "debian", "changelog");
            var lines = File.ReadAllLines(changelog);
            lines[0] = lines[0].Replace($"{Package} (1.0)", $"{Package} ({version})", StringComparison.Ordinal);
            File.WriteAllLines(changelog, lines);
            Tool.Run("dpkg-source", ["-b", tree], workingDirectory: dir).Ok();
            var dsc = Path.Combine(dir, $"{Package}_{version}.dsc");
            if (signer is not null)
                File.WriteAllText(dsc, signer.ClearSign(File.ReadAllText(dsc)));
            if (sourceChanges)
                Tool.Run("dpkg-genchanges", ["-S", "-sa", $"-O{SourceChanges(dsc)}"], workingDirectory: tree).Ok();
            // The unpacked tree is not part of the upload: PipelineBenchmark.Drop copies every file of the folder.
            Directory.Delete(tree, recursive: true);
            dscs.Add(dsc);
        }
        return dscs;
    }

    /// <summary>Where <see cref="Make"/> put the source-only .changes of <paramref name="dsc"/> (outside the upload's folder).</summary>
    public static string SourceChanges(string dsc) =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(dsc))!, Path.GetFileNameWithoutExtension(dsc) + "_source.changes");
}
