using System.Text;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// Writes the stanzas of a Packages or Sources index: deb822 paragraphs, each followed by one blank
/// line (so the file ends in "\n\n"), UTF-8 without a byte order mark — byte for byte what
/// apt-ftparchive and dak write.
/// </summary>
public static class IndexWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Write(Stream stream, IEnumerable<ControlParagraph> paragraphs)
    {
        using var writer = new StreamWriter(stream, Utf8, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        foreach (var paragraph in paragraphs)
        {
            if (paragraph.Count == 0)
                continue; // an empty paragraph would read back as nothing, but would leave a stray blank line
            paragraph.WriteTo(writer);
            writer.Write('\n');
        }
    }

    public static void Write(Stream stream, IEnumerable<PackagesEntry> entries) => Write(stream, entries.Select(e => e.Paragraph));

    public static void Write(Stream stream, IEnumerable<SourcesEntry> entries) => Write(stream, entries.Select(e => e.Paragraph));
}
