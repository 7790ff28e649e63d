namespace Autobuilder.Testing;

/// <summary>
/// Writes a tiny but real Debian source package and builds it with the real dpkg-source, so tests
/// work on exactly what uploaders send. <c>ExtraFiles</c> (path in the tree → content) are written
/// into the tree before <c>dpkg-source -b</c>, e.g. a script under debian/ that RulesBuild runs.
/// <c>Debhelper: false</c> writes the smallest real package instead: a debian/rules that calls
/// dpkg-gencontrol and dpkg-deb itself, no build dependency at all (a build takes about a second
/// instead of dh's several, for runs of many builds such as the chaos campaign).
/// </summary>
public sealed record SourcePackage(
    string Name = "hello-ab",
    string UpstreamVersion = "1.0",
    string Revision = "1",
    string Architecture = "any",
    string BuildDepends = "",
    string Format = "3.0 (quilt)",
    string Distribution = "unstable",
    string Maintainer = "Test Uploader <uploader@example.org>",
    string RulesBuild = "",
    IReadOnlyDictionary<string, string>? ExtraFiles = null,
    bool Debhelper = true)
{
    public string Version => Revision.Length > 0 ? $"{UpstreamVersion}-{Revision}" : UpstreamVersion;
    public string DscName => $"{Name}_{NoEpoch(Version)}.dsc";

    private static string NoEpoch(string v) => v.Contains(':') ? v[(v.IndexOf(':') + 1)..] : v;

    /// <summary>Writes the tree under <paramref name="parent"/> and runs <c>dpkg-source -b</c>; returns the .dsc path.</summary>
    public string BuildSource(string parent)
    {
        var tree = WriteTree(parent);
        Tool.Run("dpkg-source", ["-b", Path.GetFileName(tree)], workingDirectory: parent).Ok();
        return Path.Combine(parent, DscName);
    }

    /// <summary>Builds the source, then a source-only .changes with the real dpkg-genchanges; returns its path.</summary>
    public string BuildSourceChanges(string parent)
    {
        BuildSource(parent);
        var tree = Path.Combine(parent, $"{Name}-{UpstreamVersion}");
        var changes = Path.Combine(parent, $"{Name}_{NoEpoch(Version)}_source.changes");
        Tool.Run("dpkg-genchanges", ["-S", "-sa", $"-O{changes}"], workingDirectory: tree).Ok();
        return changes;
    }

    public string WriteTree(string parent)
    {
        var native = Format.Contains("native");
        var tree = Path.Combine(parent, $"{Name}-{UpstreamVersion}");
        Directory.CreateDirectory(Path.Combine(tree, "debian", "source"));
        File.WriteAllText(Path.Combine(tree, Name), $"#!/bin/sh\necho 'Hello from {Name} {Version}'\n");
        if (!native)
        {
            // The orig tarball must exist before dpkg-source -b for a non-native format.
            Tool.Run("tar", ["-czf", $"{Name}_{UpstreamVersion}.orig.tar.gz", "--owner=0", "--group=0", "--mtime=2020-01-01", $"{Name}-{UpstreamVersion}/{Name}"],
                workingDirectory: parent).Ok();
        }
        File.WriteAllText(Path.Combine(tree, "debian", "source", "format"), Format + "\n");
        var helper = Debhelper ? "debhelper-compat (= 13)" : "";
        var buildDepends = string.Join(", ", new[] { helper, BuildDepends }.Where(d => d.Length > 0));
        // Whole lines or nothing: an empty line would end the stanza.
        var buildDependsLine = buildDepends.Length > 0 ? $"Build-Depends: {buildDepends}\n" : "";
        var dependsLine = Debhelper ? "Depends: ${misc:Depends}\n" : "";
        File.WriteAllText(Path.Combine(tree, "debian", "control"), $"""
            Source: {Name}
            Section: misc
            Priority: optional
            Maintainer: {Maintainer}
            {buildDependsLine}Standards-Version: 4.6.2
            Rules-Requires-Root: no

            Package: {Name}
            Architecture: {Architecture}
            {dependsLine}Description: test package for the autobuilder
             A tiny package written by the tests.

            """);
        File.WriteAllText(Path.Combine(tree, "debian", "changelog"), $"""
            {Name} ({Version}) {Distribution}; urgency=medium

              * Test upload.

             -- {Maintainer}  Mon, 02 Nov 2026 10:00:00 +0000

            """);
        File.WriteAllText(Path.Combine(tree, "debian", "install"), $"{Name} usr/bin\n");
        foreach (var (path, content) in ExtraFiles ?? new Dictionary<string, string>())
        {
            var full = Path.Combine(tree, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        var rules = Path.Combine(tree, "debian", "rules");
        if (Debhelper)
        {
            var buildOverride = RulesBuild.Length > 0 ? $"\noverride_dh_auto_build:\n\t{RulesBuild}\n" : "";
            File.WriteAllText(rules, $"#!/usr/bin/make -f\n%:\n\tdh $@\n{buildOverride}");
        }
        else
            File.WriteAllText(rules, PlainRules());
        File.SetUnixFileMode(rules, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(tree, Name), (UnixFileMode)0b111_101_101);
        return tree;
    }

    /// <summary>debian/rules without debhelper: the targets dpkg-buildpackage calls, the .deb made by dpkg-gencontrol and dpkg-deb.</summary>
    private string PlainRules()
    {
        var build = RulesBuild.Length > 0 ? $"\t{RulesBuild}\n" : "\ttrue\n";
        return "#!/usr/bin/make -f\n" +
            "build build-arch build-indep:\n" + build +
            "clean:\n\trm -rf debian/tmp debian/files\n" +
            "binary binary-arch: build\n" +
            "\trm -rf debian/tmp\n" +
            $"\tinstall -D -m 0755 {Name} debian/tmp/usr/bin/{Name}\n" +
            "\tmkdir -p debian/tmp/DEBIAN\n" +
            $"\tdpkg-gencontrol -p{Name} -Pdebian/tmp\n" +
            "\tdpkg-deb --root-owner-group -Zgzip --build debian/tmp ..\n" +
            "binary-indep: build\n" +
            ".PHONY: build build-arch build-indep clean binary binary-arch binary-indep\n";
    }
}
