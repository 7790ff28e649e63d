using System.Text;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Acceptance.Tests;

/// <summary>Real .dsc/.changes text parsed by the real parsers, with sums of made-up contents, for the checks' contexts.</summary>
internal static class Facts
{
    public static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    public static ChecksumSet Sums(string name) => ChecksumSet.Compute(Encoding.UTF8.GetBytes("contents of " + name));

    public static FileEntry Entry(string name, bool sha1 = true, bool sha256 = true)
    {
        var s = Sums(name);
        return new FileEntry(name, s.Size, s.Md5, sha1 ? s.Sha1 : null, sha256 ? s.Sha256 : null);
    }

    /// <summary>A .dsc listing <paramref name="files"/> (each with the sums of <see cref="Sums"/>).</summary>
    public static DscFile Dsc(string source = "hello", string version = "1.0-1", string? architecture = "any", params string[] files)
    {
        files = files.Length == 0 ? [$"{source}_1.0.orig.tar.gz"] : files;
        var text = new StringBuilder($"Format: 3.0 (quilt)\nSource: {source}\nVersion: {version}\n");
        if (architecture is not null)
            text.Append($"Architecture: {architecture}\n");
        text.Append("Files:\n");
        foreach (var f in files)
            text.Append($" {Sums(f).Md5} {Sums(f).Size} {f}\n");
        text.Append("Checksums-Sha256:\n");
        foreach (var f in files)
            text.Append($" {Sums(f).Sha256} {Sums(f).Size} {f}\n");
        return DscFile.Parse(Encoding.UTF8.GetBytes(text.ToString()), $"{source}_{version}.dsc");
    }

    /// <summary>A .changes of built packages listing <paramref name="files"/>.</summary>
    public static ChangesFile Changes(string source = "hello", string version = "1.0-1", string architecture = "amd64", string binary = "hello",
        string distribution = "bookworm", bool sha1 = true, params string[] files)
    {
        var text = new StringBuilder($"Format: 1.8\nSource: {source}\nBinary: {binary}\nArchitecture: {architecture}\nVersion: {version}\nDistribution: {distribution}\nFiles:\n");
        foreach (var f in files)
            text.Append($" {Sums(f).Md5} {Sums(f).Size} misc optional {f}\n");
        if (sha1)
        {
            text.Append("Checksums-Sha1:\n");
            foreach (var f in files)
                text.Append($" {Sums(f).Sha1} {Sums(f).Size} {f}\n");
        }
        text.Append("Checksums-Sha256:\n");
        foreach (var f in files)
            text.Append($" {Sums(f).Sha256} {Sums(f).Size} {f}\n");
        return ChangesFile.Parse(Encoding.UTF8.GetBytes(text.ToString()), $"{source}_{version}_{architecture}.changes");
    }

    /// <summary>Every name taken intact.</summary>
    public static TakenFiles Taken(params string[] names) => new(names.ToDictionary(n => n, Sums, StringComparer.Ordinal));

    public static ControlParagraph Control(string package, string version, string architecture, string? source = null) =>
        ControlFile.ParseSingle($"Package: {package}\nVersion: {version}\nArchitecture: {architecture}\n" + (source is null ? "" : $"Source: {source}\n"), "control");

    public static StagedBinary Binary(string package = "hello", string version = "1.0-1", string architecture = "amd64", string? source = null, string? file = null) =>
        new(Entry(file ?? $"{package}_{version}_{architecture}.deb"), Control(package, version, architecture, source), null);
}
