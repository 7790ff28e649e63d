using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Uploads;

/// <summary>
/// A Debian source control file (.dsc; dsc(5), Policy §5.4): the source package's name, version,
/// architectures and the files that make it up.
/// </summary>
public sealed class DscFile
{
    private DscFile(SignedControlFile file, IReadOnlyList<FileEntry> files)
    {
        File = file;
        Files = files;
        Source = file.Paragraph.Require("Source", file.Source);
        Version = file.Paragraph.Require("Version", file.Source);
    }

    public SignedControlFile File { get; }
    public ControlParagraph Paragraph => File.Paragraph;
    public string Source { get; }
    public string Version { get; }
    public string Format => Paragraph["Format"] ?? "1.0";
    public string Architecture => Paragraph["Architecture"] ?? "";
    public string? Maintainer => Paragraph["Maintainer"];
    public IReadOnlyList<string> Binaries => SplitList(Paragraph["Binary"]);
    public string? BuildDepends => Paragraph["Build-Depends"];
    public IReadOnlyList<FileEntry> Files { get; }

    public static DscFile Parse(ReadOnlySpan<byte> bytes, string source) => FromControl(SignedControlFile.Parse(bytes, source));

    public static DscFile Load(string path) => Parse(System.IO.File.ReadAllBytes(path), path);

    public static DscFile FromControl(SignedControlFile file)
    {
        if (!file.Paragraph.Contains("Files"))
            throw new DebianFormatException($"{file.Source}: required field 'Files' is missing");
        return new DscFile(file, ChecksumFields.Read(file.Paragraph, ChecksumFieldLayout.Dsc, file.Source));
    }

    internal static IReadOnlyList<string> SplitList(string? value) =>
        value is null ? [] : value.Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
}
