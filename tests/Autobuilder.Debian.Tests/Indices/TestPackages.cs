using Autobuilder.Debian.Control;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

/// <summary>Builds tiny real packages with dpkg-deb and dpkg-source for the index tests.</summary>
public static class TestPackages
{
    /// <summary>
    /// A binary package built with <c>dpkg-deb --build --root-owner-group</c> into
    /// <paramref name="outputDirectory"/>; returns the .deb's path and its control paragraph.
    /// </summary>
    public static (string Deb, ControlParagraph Control) BuildDeb(string workDirectory, string outputDirectory, string name, string version,
        string architecture = "amd64", string? source = null)
    {
        var tree = Path.Combine(workDirectory, $"{name}_{version}_{architecture}");
        Directory.CreateDirectory(Path.Combine(tree, "DEBIAN"));
        Directory.CreateDirectory(Path.Combine(tree, "usr", "share", "doc", name));
        File.WriteAllText(Path.Combine(tree, "usr", "share", "doc", name, "README"), $"{name} {version}\n");
        var control =
            $"Package: {name}\n" +
            $"Version: {version}\n" +
            $"Architecture: {architecture}\n" +
            "Maintainer: Autobuilder Test <test@example.org>\n" +
            (source is null ? "" : $"Source: {source}\n") +
            "Installed-Size: 4\n" +
            "Section: utils\n" +
            "Priority: optional\n" +
            $"Description: {name}, a test package\n" +
            " Built by the Autobuilder tests.\n" +
            " .\n" +
            " Second paragraph.\n";
        File.WriteAllText(Path.Combine(tree, "DEBIAN", "control"), control);
        Directory.CreateDirectory(outputDirectory);
        var deb = Path.Combine(outputDirectory, $"{name}_{version}_{architecture}.deb");
        Tool.Run("dpkg-deb", "--build", "--root-owner-group", tree, deb).Ok();
        return (deb, ControlFile.ParseSingle(control, deb));
    }

    /// <summary>
    /// A source package built with <c>dpkg-source -b</c> in <paramref name="outputDirectory"/>:
    /// "3.0 (quilt)" with an orig tarball, or "3.0 (native)". Returns the .dsc's path.
    /// </summary>
    public static string BuildSource(string outputDirectory, string name, string upstreamVersion, bool native)
    {
        var version = native ? upstreamVersion : upstreamVersion + "-1";
        var tree = Path.Combine(outputDirectory, $"{name}-{upstreamVersion}");
        var debian = Path.Combine(tree, "debian");
        Directory.CreateDirectory(Path.Combine(debian, "source"));
        File.WriteAllText(Path.Combine(tree, "README"), "hello\n");
        if (!native)
        {
            // The orig tarball holds the upstream tree without debian/.
            Tool.Run("tar", "-C", outputDirectory, "-czf", Path.Combine(outputDirectory, $"{name}_{upstreamVersion}.orig.tar.gz"),
                $"{name}-{upstreamVersion}").Ok();
        }
        File.WriteAllText(Path.Combine(debian, "control"),
            $"Source: {name}\n" +
            "Section: utils\n" +
            "Priority: optional\n" +
            "Maintainer: Autobuilder Test <test@example.org>\n" +
            "Build-Depends: debhelper-compat (= 13)\n" +
            "Standards-Version: 4.6.2\n" +
            "Homepage: https://example.org/hello\n" +
            "Vcs-Git: https://example.org/hello.git\n" +
            "\n" +
            $"Package: {name}\n" +
            "Architecture: any\n" +
            "Description: test\n" +
            " A test package.\n");
        File.WriteAllText(Path.Combine(debian, "changelog"),
            $"{name} ({version}) unstable; urgency=medium\n\n  * Test.\n\n -- Autobuilder Test <test@example.org>  Sat, 01 Jan 2000 00:00:00 +0000\n");
        File.WriteAllText(Path.Combine(debian, "rules"), "#!/usr/bin/make -f\n%:\n\tdh $@\n");
        File.WriteAllText(Path.Combine(debian, "source", "format"), native ? "3.0 (native)\n" : "3.0 (quilt)\n");
        Tool.Run("dpkg-source", ["-b", $"{name}-{upstreamVersion}"], workingDirectory: outputDirectory).Ok();
        Directory.Delete(tree, recursive: true);
        return Path.Combine(outputDirectory, $"{name}_{version}.dsc");
    }
}
