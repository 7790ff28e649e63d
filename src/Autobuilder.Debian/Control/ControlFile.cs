using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Autobuilder.Debian.Control;

/// <summary>
/// Parser for deb822 files (deb822(5); Debian Policy §5.1): paragraphs of fields separated by
/// blank lines, continuation lines starting with a space or tab. Every error names the source
/// and the line.
/// </summary>
public static class ControlFile
{
    /// <summary>
    /// Decodes bytes as strict UTF-8 (Policy §5.1: control files are UTF-8). A byte sequence that is
    /// not UTF-8 is reported with its line, rather than silently turned into U+FFFD.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.StartsWith("\uFEFF"u8))
            bytes = bytes[3..];
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(16, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
            if (status == OperationStatus.Done)
                return new string(chars, 0, written);
            var line = 1 + bytes[..read].Count((byte)'\n');
            throw new ControlFileException(source, line,
                $"not valid UTF-8 (byte 0x{bytes[read]:X2}); control files must be encoded in UTF-8");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Reads a whole stream as a deb822 file; a clear-signed file yields its signed text.</summary>
    public static IReadOnlyList<ControlParagraph> Read(Stream stream, string source, bool allowComments = false)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var text = Decode(ms.GetBuffer().AsSpan(0, (int)ms.Length), source);
        if (ClearSignedMessage.TryParse(text, source, out var signed))
            text = signed.SignedText;
        return Parse(text, source, allowComments);
    }

    /// <summary>Parses exactly one paragraph (a .dsc, a .changes, a Release file).</summary>
    public static ControlParagraph ParseSingle(string text, string source, bool allowComments = false)
    {
        var paragraphs = Parse(text, source, allowComments);
        return paragraphs.Count switch
        {
            1 => paragraphs[0],
            0 => throw new ControlFileException(source, 0, "no fields found: the file is empty"),
            _ => throw new ControlFileException(source, 0, $"expected one paragraph, found {paragraphs.Count}"),
        };
    }

    /// <param name="allowComments">Lines starting with '#' are comments (only allowed in debian/control, Policy §5.1).</param>
    public static IReadOnlyList<ControlParagraph> Parse(string text, string source, bool allowComments = false)
    {
        var result = new List<ControlParagraph>();
        var fields = new List<ControlField>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? name = null;
        var value = new StringBuilder();
        var lineNo = 0;

        void EndField()
        {
            if (name is null)
                return;
            fields.Add(new ControlField(name, value.ToString()));
            name = null;
            value.Clear();
        }

        void EndParagraph()
        {
            EndField();
            if (fields.Count > 0)
                result.Add(new ControlParagraph(fields));
            fields.Clear();
            seen.Clear();
        }

        // deb822(5), dpkg and apt end a line at LF only. .NET's EnumerateLines/ReadLine also end one
        // at CR, FF, NEL, U+2028 and U+2029: a value holding one of those would become a second
        // field here (a forged "SHA512:" inside a Description) that apt never sees as one.
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var newline = rest.IndexOf('\n');
            var rawLine = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? [] : rest[(newline + 1)..];
            lineNo++;
            // A CR before the LF (a file written on Windows) is trailing whitespace, as dpkg treats it.
            var line = rawLine.TrimEnd(" \t\r");
            if (line.IsEmpty)
            {
                EndParagraph();
                continue;
            }
            if (line[0] == '#')
            {
                if (allowComments)
                    continue;
                throw new ControlFileException(source, lineNo, "comment lines ('#') are not allowed in this file");
            }
            if (line[0] is ' ' or '\t')
            {
                if (name is null)
                    throw new ControlFileException(source, lineNo, "continuation line without a field before it");
                value.Append('\n').Append(line);
                continue;
            }
            EndField();
            var colon = line.IndexOf(':');
            if (colon < 0)
                throw new ControlFileException(source, lineNo, $"expected 'Field: value', found '{Shorten(line)}'");
            var fieldName = line[..colon];
            if (!IsValidFieldName(fieldName))
                throw new ControlFileException(source, lineNo, $"invalid field name '{Shorten(fieldName)}'");
            name = fieldName.ToString();
            if (!seen.Add(name))
                throw new ControlFileException(source, lineNo, $"field '{name}' appears twice in one paragraph");
            value.Append(line[(colon + 1)..].Trim(" \t"));
        }
        EndParagraph();
        return result;
    }

    /// <summary>Writes paragraphs separated by one blank line.</summary>
    public static string Format(IEnumerable<ControlParagraph> paragraphs) =>
        string.Join("\n", paragraphs.Select(p => p.ToString()));

    // deb822(5): field names are US-ASCII printable characters except control characters, space
    // and colon, and must not begin with '#' or '-'.
    private static bool IsValidFieldName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name[0] is '#' or '-')
            return false;
        foreach (var c in name)
        {
            if (c <= ' ' || c >= 0x7F)
                return false;
        }
        return true;
    }

    private static string Shorten(ReadOnlySpan<char> s) => s.Length <= 60 ? s.ToString() : string.Concat(s[..57], "...");
}
