using System.Text;

namespace Autobuilder.Testing;

/// <summary>
/// Makes .deb files for tests with the real tools: <c>dpkg-deb --build --root-owner-group</c> for
/// valid packages, <c>tar</c> + <c>ar</c> for packages dpkg-deb would refuse to build (bad control
/// files, odd members), so the reader is checked against what the tools really write.
/// </summary>
public static class DebBuilder
{
    /// <summary>A control file with the fields an archive's Packages index usually carries.</summary>
    public static string SampleControl(string package, string version = "1.2-3", string architecture = "amd64") => $"""
        Package: {package}
        Source: {package}-src (1.2-1)
        Version: {version}
        Architecture: {architecture}
        Maintainer: Test Maintainer <test@example.org>
        Installed-Size: 12
        Pre-Depends: libc6 (>= 2.36)
        Depends: libfoo1 (>= 1.0), bar | baz
        Recommends: qux
        Section: utils
        Priority: optional
        Multi-Arch: foreign
        Homepage: https://example.org/{package}
        Built-Using: gcc-12 (= 12.2.0-14)
        X-Custom: custom value
        Description: test package {package}
         A longer description of {package},
         over several lines.
         .
         With a paragraph break.

        """.Replace("\r\n", "\n");

    /// <summary>Builds with dpkg-deb; <paramref name="compression"/> is gzip, xz, zstd or none.</summary>
    public static string Build(string workDir, string debPath, string control, string compression = "gzip",
        IReadOnlyDictionary<string, string>? files = null, string? md5sums = null)
    {
        var tree = Directory.CreateDirectory(Path.Combine(workDir, "tree-" + Guid.NewGuid().ToString("N"))).FullName;
        Directory.CreateDirectory(Path.Combine(tree, "DEBIAN"));
        File.WriteAllText(Path.Combine(tree, "DEBIAN", "control"), control);
        if (md5sums is not null)
            File.WriteAllText(Path.Combine(tree, "DEBIAN", "md5sums"), md5sums);
        foreach (var (path, content) in files ?? new Dictionary<string, string> { ["usr/share/doc/test/README"] = "hello\n" })
        {
            var full = Path.Combine(tree, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(debPath))!);
        Tool.Run("dpkg-deb", "--build", "--root-owner-group", $"-Z{compression}", tree, debPath).Ok();
        return debPath;
    }

    /// <summary>
    /// Assembles a .deb from a raw control file with tar, gzip and ar, bypassing dpkg-deb's checks.
    /// <paramref name="members"/> overrides the member list: (name, content) in order, where content
    /// null means "the control.tar.gz / data.tar.gz made here".
    /// </summary>
    public static string BuildRaw(string workDir, string debPath, byte[] control,
        IReadOnlyList<(string Name, byte[]? Content)>? members = null)
    {
        var dir = Directory.CreateDirectory(Path.Combine(workDir, "raw-" + Guid.NewGuid().ToString("N"))).FullName;
        var controlDir = Path.Combine(dir, "c");
        var dataDir = Path.Combine(dir, "d");
        Directory.CreateDirectory(controlDir);
        Directory.CreateDirectory(Path.Combine(dataDir, "usr"));
        File.WriteAllBytes(Path.Combine(controlDir, "control"), control);
        File.WriteAllText(Path.Combine(dataDir, "usr", "file"), "data\n");
        Tool.Run("tar", "-C", controlDir, "-czf", Path.Combine(dir, "control.tar.gz"), "./control").Ok();
        Tool.Run("tar", "-C", dataDir, "-czf", Path.Combine(dir, "data.tar.gz"), ".").Ok();

        members ??= [("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", null), ("data.tar.gz", null)];
        var memberDir = Path.Combine(dir, "members");
        Directory.CreateDirectory(memberDir);
        var args = new List<string> { "rcD", Path.GetFullPath(debPath) };
        foreach (var (name, content) in members)
        {
            var source = content is null ? Path.Combine(dir, name.StartsWith("control") ? "control.tar.gz" : "data.tar.gz") : null;
            File.WriteAllBytes(Path.Combine(memberDir, name), content ?? File.ReadAllBytes(source!));
            args.Add(name);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(debPath))!);
        File.Delete(debPath);
        Tool.Run("ar", args, workingDirectory: memberDir).Ok();
        return debPath;
    }

    public static string BuildRaw(string workDir, string debPath, string control) =>
        BuildRaw(workDir, debPath, Encoding.UTF8.GetBytes(control));
}
