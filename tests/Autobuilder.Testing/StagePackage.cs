namespace Autobuilder.Testing;

/// <summary>
/// What a build hands the stage: real .debs made with dpkg-deb and a .changes made by the real
/// dpkg-genchanges from a debian/ tree (dpkg-distaddfile lists each .deb, as dpkg-buildpackage
/// does), without compiling anything. With <see cref="WithSource"/> the .changes is sourceful:
/// dpkg-source builds a "3.0 (quilt)" source first and the .dsc, orig and debian tarballs join it.
/// </summary>
/// <param name="Architectures">One architecture-dependent .deb per entry (none when empty).</param>
/// <param name="WithAllPackage">Adds NAME-data, an Architecture: all package.</param>
/// <param name="ExtraControl">Lines (each ending in a newline) added to the control file of every .deb, before Description.</param>
public sealed record StagePackage(
    string Name,
    string Version = "1.0-1",
    IReadOnlyList<string>? Architectures = null,
    bool WithAllPackage = false,
    bool WithSource = false,
    string Distribution = "bookworm",
    string Section = "misc",
    string ExtraControl = "")
{
    public IReadOnlyList<string> Arches => Architectures ?? ["amd64"];

    public string Upstream => FileVersion.Contains('-') ? FileVersion[..FileVersion.LastIndexOf('-')] : FileVersion;

    /// <summary>The version as file names carry it: without the epoch.</summary>
    public string FileVersion => Version.Contains(':') ? Version[(Version.IndexOf(':') + 1)..] : Version;

    public string DebName(string package, string arch) => $"{package}_{FileVersion}_{arch}.deb";

    /// <summary>Builds everything under <paramref name="parent"/>; returns the .changes path.</summary>
    public string Build(string parent)
    {
        var tree = Path.Combine(parent, $"{Name}-{Upstream}");
        Directory.CreateDirectory(Path.Combine(tree, "debian", "source"));
        File.WriteAllText(Path.Combine(tree, "README"), $"{Name} {Version}\n");
        File.WriteAllText(Path.Combine(tree, "debian", "control"), $"""
            Source: {Name}
            Section: {Section}
            Priority: optional
            Maintainer: Stage Test <stage@example.org>
            Standards-Version: 4.6.2

            Package: {Name}
            Architecture: any
            Description: {Name}, a stage test package
             Built by the stage tests.

            Package: {Name}-data
            Architecture: all
            Description: {Name} data, a stage test package
             Built by the stage tests.

            """);
        File.WriteAllText(Path.Combine(tree, "debian", "changelog"), $"""
            {Name} ({Version}) {Distribution}; urgency=medium

              * Stage test.

             -- Stage Test <stage@example.org>  Mon, 02 Nov 2026 10:00:00 +0000

            """);
        File.WriteAllText(Path.Combine(tree, "debian", "rules"), "#!/usr/bin/make -f\n%:\n\tdh $@\n");
        File.WriteAllText(Path.Combine(tree, "debian", "source", "format"), "3.0 (quilt)\n");

        if (WithSource)
        {
            Tool.Run("tar", ["-czf", $"{Name}_{Upstream}.orig.tar.gz", "--owner=0", "--group=0", "--mtime=2020-01-01", "--exclude=debian",
                $"{Name}-{Upstream}"], workingDirectory: parent).Ok();
            Tool.Run("dpkg-source", ["-b", $"{Name}-{Upstream}"], workingDirectory: parent).Ok();
        }

        var debs = Arches.Select(a => (Package: Name, Arch: a)).ToList();
        if (WithAllPackage)
            debs.Add(($"{Name}-data", "all"));
        foreach (var (package, arch) in debs)
        {
            var root = Path.Combine(parent, $"root-{package}-{arch}");
            Directory.CreateDirectory(Path.Combine(root, "DEBIAN"));
            Directory.CreateDirectory(Path.Combine(root, "usr", "share", "doc", package));
            File.WriteAllText(Path.Combine(root, "usr", "share", "doc", package, "README"), $"{package} {Version} {arch}\n");
            File.WriteAllText(Path.Combine(root, "DEBIAN", "control"),
                $"Package: {package}\nVersion: {Version}\nArchitecture: {arch}\nMaintainer: Stage Test <stage@example.org>\n" +
                (package != Name ? $"Source: {Name}\n" : "") +
                $"Installed-Size: 4\nSection: {Section}\nPriority: optional\n{ExtraControl}Description: {package}, a stage test package\n Built by the stage tests.\n");
            Tool.Run("dpkg-deb", "--build", "--root-owner-group", root, Path.Combine(parent, DebName(package, arch))).Ok();
            Tool.Run("dpkg-distaddfile", ["-fdebian/files", DebName(package, arch), Section, "optional"], workingDirectory: tree).Ok();
        }

        var changes = Path.Combine(parent, $"{Name}_{FileVersion}_{(WithSource ? "source+" : "")}{string.Join("+", Arches.Concat(WithAllPackage ? ["all"] : []))}.changes");
        Tool.Run("dpkg-genchanges", [WithSource ? "-sa" : "-b", $"-O{changes}"], workingDirectory: tree).Ok();
        return changes;
    }

    /// <summary>Copies the files a .changes names into a queue folder, then the .changes, each under a hidden name renamed into place.</summary>
    public static void Drop(string changes, string queue)
    {
        Directory.CreateDirectory(queue);
        var folder = Path.GetDirectoryName(changes)!;
        var named = File.ReadAllLines(changes)
            .SkipWhile(l => !l.StartsWith("Files:", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith(' '))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
        foreach (var name in named.Append(Path.GetFileName(changes)))
        {
            var temp = Path.Combine(queue, $".{name}.part");
            File.Copy(Path.Combine(folder, name), temp, overwrite: true);
            File.Move(temp, Path.Combine(queue, name), overwrite: true);
        }
    }
}
