using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Uploads;

/// <summary>
/// An upload control file (.changes; deb-changes(5), Policy §5.5): what one upload brings to an
/// archive, for which distribution, and who made it.
/// </summary>
public sealed class ChangesFile
{
    private ChangesFile(SignedControlFile file, IReadOnlyList<FileEntry> files)
    {
        File = file;
        Files = files;
        Source = file.Paragraph.Require("Source", file.Source);
        Version = file.Paragraph.Require("Version", file.Source);
        // "Source: name (version)" names the source version when it differs (binNMUs).
        var paren = Source.IndexOf(' ');
        if (paren > 0)
            Source = Source[..paren];
    }

    public SignedControlFile File { get; }
    public ControlParagraph Paragraph => File.Paragraph;
    public string Source { get; }
    public string Version { get; }
    public string Distribution => Paragraph["Distribution"] ?? "";
    public IReadOnlyList<string> Architectures => DscFile.SplitList(Paragraph["Architecture"]);
    public IReadOnlyList<string> Binaries => DscFile.SplitList(Paragraph["Binary"]);
    public string? Maintainer => Paragraph["Maintainer"];
    public string? ChangedBy => Paragraph["Changed-By"];
    public IReadOnlyList<FileEntry> Files { get; }

    public static ChangesFile Parse(ReadOnlySpan<byte> bytes, string source) => FromControl(SignedControlFile.Parse(bytes, source));

    public static ChangesFile Load(string path) => Parse(System.IO.File.ReadAllBytes(path), path);

    public static ChangesFile FromControl(SignedControlFile file)
    {
        if (!file.Paragraph.Contains("Files"))
            throw new DebianFormatException($"{file.Source}: required field 'Files' is missing");
        return new ChangesFile(file, ChecksumFields.Read(file.Paragraph, ChecksumFieldLayout.Changes, file.Source));
    }
}
