using System.Globalization;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// One stanza of a Packages index (Debian wiki RepositoryFormat, "Binary Packages Indices"): a
/// binary package's control fields plus where its .deb lies in the archive (Filename, relative to
/// the archive root) and its size and sums, which apt checks after download.
/// </summary>
public sealed class PackagesEntry
{
    // The single-value sum fields of a stanza. apt-ftparchive and dak spell the MD5 field "MD5sum".
    private static readonly (string Field, HashKind Hash)[] SumFields =
    [
        ("MD5sum", HashKind.Md5),
        ("SHA1", HashKind.Sha1),
        ("SHA256", HashKind.Sha256),
    ];

    public PackagesEntry(ControlParagraph paragraph, string source = "Packages")
    {
        Paragraph = paragraph;
        Package = paragraph.Require("Package", source);
        Version = paragraph.Require("Version", source);
        Architecture = paragraph.Require("Architecture", source);
        Filename = paragraph.Require("Filename", source);
        var size = paragraph.Require("Size", source);
        if (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            throw new DebianFormatException($"{source}: package {Package}: Size '{size}' is not a number");
        Size = parsed;

        // "Source: name (version)" when the source version differs from the binary's (binNMUs,
        // several binaries versioned apart); just "Source: name" when only the name differs;
        // absent when both equal the binary's (Policy §5.6.1).
        var src = paragraph["Source"];
        if (string.IsNullOrWhiteSpace(src))
        {
            Source = Package;
            SourceVersion = Version;
        }
        else
        {
            var open = src.IndexOf('(');
            if (open < 0)
            {
                Source = src.Trim(' ', '\t');
                SourceVersion = Version;
            }
            else
            {
                var close = src.IndexOf(')', open);
                if (close < 0)
                    throw new DebianFormatException($"{source}: package {Package}: Source '{src}' lacks a closing parenthesis");
                Source = src[..open].Trim(' ', '\t');
                SourceVersion = src[(open + 1)..close].Trim(' ', '\t');
            }
        }

        foreach (var (field, hash) in SumFields)
        {
            var value = paragraph[field];
            if (value is null)
                continue;
            var expected = hash switch { HashKind.Md5 => 32, HashKind.Sha1 => 40, _ => 64 };
            if (value.Length != expected || !value.All(Uri.IsHexDigit))
                throw new DebianFormatException($"{source}: package {Package}: {field} '{value}' is not a {hash} sum");
        }
    }

    public ControlParagraph Paragraph { get; }
    public string Package { get; }
    public string Version { get; }
    public string Architecture { get; }

    /// <summary>The .deb's path relative to the archive root (pool/main/h/hello/hello_1.0_amd64.deb).</summary>
    public string Filename { get; }
    public long Size { get; }
    public string? Md5 => Paragraph["MD5sum"]?.ToLowerInvariant();
    public string? Sha1 => Paragraph["SHA1"]?.ToLowerInvariant();
    public string? Sha256 => Paragraph["SHA256"]?.ToLowerInvariant();

    /// <summary>The source package's name: the Source field without its "(version)", or Package when absent.</summary>
    public string Source { get; }

    /// <summary>The source package's version: from "Source: name (version)", else the binary's Version.</summary>
    public string SourceVersion { get; }

    public string? Section => Paragraph["Section"];
    public string? Priority => Paragraph["Priority"];
    public string? Maintainer => Paragraph["Maintainer"];
    public string? MultiArch => Paragraph["Multi-Arch"];
    public string? Depends => Paragraph["Depends"];
    public string? PreDepends => Paragraph["Pre-Depends"];
    public string? Description => Paragraph["Description"];
    public bool Essential => string.Equals(Paragraph["Essential"], "yes", StringComparison.OrdinalIgnoreCase);

    /// <summary>Installed-Size in KiB, when given.</summary>
    public long? InstalledSize =>
        long.TryParse(Paragraph["Installed-Size"], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : null;

    /// <summary>The .deb as a file entry (name = Filename), for comparing with what lies in the pool.</summary>
    public FileEntry File => new(Filename, Size, Md5, Sha1, Sha256);

    /// <summary>
    /// A stanza from a .deb's control paragraph and the .deb's place and sums, as apt-ftparchive
    /// packages writes it: Filename, Size and the sums added, fields in apt's order.
    /// </summary>
    public static PackagesEntry FromControl(ControlParagraph control, string filename, ChecksumSet sums) =>
        new(PackagesStanza.FromDeb(control, filename, sums, sha512: null, filename), filename);

    public static IReadOnlyList<PackagesEntry> ReadAll(Stream stream, string source) =>
        ControlFile.Read(stream, source).Select(p => new PackagesEntry(p, source)).ToList();

    public override string ToString() => $"{Package}_{Version}_{Architecture}";
}
