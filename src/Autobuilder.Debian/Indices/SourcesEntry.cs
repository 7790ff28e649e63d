using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// One stanza of a Sources index (Debian wiki RepositoryFormat, "Source Indices"): a .dsc's
/// fields with Source renamed to Package, the pool folder in Directory, and the file lists in the
/// .dsc's own "hash size name" layout, where the .dsc itself is listed first.
/// </summary>
public sealed class SourcesEntry
{
    // The Sources file lists files exactly as a .dsc does (Files = MD5, Checksums-Sha1, Checksums-Sha256).
    private static IReadOnlyList<ChecksumFieldLayout> Layout => ChecksumFieldLayout.Dsc;

    // apt-ftparchive drops these from the .dsc: Source becomes Package, Status is dpkg's, and the
    // file lists are rewritten to include the .dsc.
    private static readonly string[] RewrittenFields = ["Source", "Status", "Files", "Checksums-Sha1", "Checksums-Sha256", "Checksums-Sha512", "Priority"];

    public SourcesEntry(ControlParagraph paragraph, string source = "Sources")
    {
        Paragraph = paragraph;
        Package = paragraph.Require("Package", source);
        Version = paragraph.Require("Version", source);
        if (!paragraph.Contains("Files"))
            throw new DebianFormatException($"{source}: source package {Package}: required field 'Files' is missing");
        Files = ChecksumFields.Read(paragraph, Layout, $"{source}: source package {Package}");
    }

    public ControlParagraph Paragraph { get; }
    public string Package { get; }
    public string Version { get; }

    /// <summary>The pool folder holding the files, relative to the archive root; "" when absent (apt then uses the root).</summary>
    public string Directory => Paragraph["Directory"] ?? "";
    public string Format => Paragraph["Format"] ?? "1.0";
    public string Architecture => Paragraph["Architecture"] ?? "";
    public IReadOnlyList<string> Binaries => DscFile.SplitList(Paragraph["Binary"]);
    public string? Maintainer => Paragraph["Maintainer"];
    public string? Section => Paragraph["Section"];
    public string? Priority => Paragraph["Priority"];

    /// <summary>Every file of the source package, the .dsc included, merged across the sum fields.</summary>
    public IReadOnlyList<FileEntry> Files { get; }

    /// <summary>The .dsc's entry: the file whose name ends in ".dsc".</summary>
    public FileEntry? Dsc => Files.FirstOrDefault(f => f.Name.EndsWith(".dsc", StringComparison.Ordinal));

    /// <summary>
    /// The stanza apt-ftparchive sources writes for a .dsc: Source renamed to Package, the .dsc
    /// prepended to Files and to each Checksums-* field the .dsc has, Directory added, Priority
    /// and Section from the archive's overrides when given, fields in apt's order. A Checksums-*
    /// field the .dsc lacks stays absent: we list only sums the uploader vouched for.
    /// </summary>
    /// <param name="directory">The pool folder relative to the archive root (pool/main/h/hello).</param>
    /// <param name="dscSums">Size and sums of the .dsc file itself.</param>
    /// <param name="section">The archive's section for the package (an override), or null to keep the .dsc's.</param>
    /// <param name="priority">The archive's priority (an override), or null for none — apt-ftparchive writes Priority only from overrides.</param>
    public static SourcesEntry FromDsc(DscFile dsc, string directory, ChecksumSet dscSums, string dscFileName,
        string? section = null, string? priority = null)
    {
        Safety.FileNames.Require(dscFileName, "Sources entry");
        var dscEntry = new FileEntry(dscFileName, dscSums.Size, dscSums.Md5, dscSums.Sha1, dscSums.Sha256);
        var files = new[] { dscEntry }.Concat(dsc.Files).ToList();

        var fields = new List<ControlField> { new("Package", dsc.Source) };
        fields.AddRange(dsc.Paragraph.Where(f => !RewrittenFields.Contains(f.Name, StringComparer.OrdinalIgnoreCase)));
        var p = new ControlParagraph(fields);
        if (priority is not null)
            p = p.With("Priority", priority);
        if (section is not null)
            p = p.With("Section", section);
        // apt-ftparchive leaves Directory out for files at the archive root ("./").
        var dir = directory.Trim('/');
        if (dir.Length > 0 && dir != ".")
            p = p.With("Directory", dir);
        foreach (var layout in Layout)
        {
            if (dsc.Paragraph.Contains(layout.Field))
                p = p.With(layout.Field, ChecksumFields.Format(files, layout));
        }
        return new SourcesEntry(FieldOrder.Apply(p, FieldOrder.Sources), dsc.File.Source);
    }

    public static IReadOnlyList<SourcesEntry> ReadAll(Stream stream, string source) =>
        ControlFile.Read(stream, source).Select(p => new SourcesEntry(p, source)).ToList();

    public override string ToString() => $"{Package}_{Version}";
}
