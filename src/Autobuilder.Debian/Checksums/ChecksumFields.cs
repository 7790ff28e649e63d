using System.Globalization;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Checksums;

/// <summary>Reads and writes the checksum fields of a paragraph according to a layout table.</summary>
public static class ChecksumFields
{
    private static readonly char[] Deb822Blanks = [' ', '\t'];

    /// <summary>
    /// Merges every present checksum field into one entry per file, in the order the first field
    /// lists them. Inconsistent listings (a size that differs between fields, a file in one field
    /// but not in another, a malformed line) are errors naming the field and the line.
    /// </summary>
    public static IReadOnlyList<FileEntry> Read(ControlParagraph paragraph, IReadOnlyList<ChecksumFieldLayout> layouts, string source)
    {
        var order = new List<string>();
        var entries = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
        var fieldsPresent = 0;
        foreach (var layout in layouts)
        {
            if (!paragraph.TryGetValue(layout.Field, out var value))
                continue;
            var namesInField = new HashSet<string>(StringComparer.Ordinal);
            fieldsPresent++;
            // Columns are separated by spaces and tabs only (deb822 whitespace): string.Trim() and
            // Split(null) would also cut at NBSP, NEL, U+2028 …, which may be part of a hostile file name.
            foreach (var line in value.Split('\n').Skip(1).Select(l => l.Trim(Deb822Blanks)).Where(l => l.Length > 0))
            {
                var parts = line.Split(Deb822Blanks, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 3 + layout.ExtraColumns)
                    throw new DebianFormatException($"{source}: field {layout.Field}: malformed line '{line}' (expected {3 + layout.ExtraColumns} columns)");
                var hash = parts[0];
                if (hash.Length != layout.HexLength || !hash.All(Uri.IsHexDigit))
                    throw new DebianFormatException($"{source}: field {layout.Field}: '{hash}' is not a {layout.Hash} sum");
                if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    throw new DebianFormatException($"{source}: field {layout.Field}: size '{parts[1]}' is not a number");
                var name = parts[^1];
                if (!namesInField.Add(name))
                    throw new DebianFormatException($"{source}: field {layout.Field}: '{name}' is listed twice");
                hash = hash.ToLowerInvariant();

                if (!entries.TryGetValue(name, out var entry))
                {
                    if (fieldsPresent > 1)
                        throw new DebianFormatException($"{source}: field {layout.Field} lists '{name}', which the fields before it do not");
                    order.Add(name);
                    entry = new FileEntry(name, size, null, null, null);
                }
                else if (entry.Size != size)
                {
                    throw new DebianFormatException($"{source}: field {layout.Field} gives '{name}' size {size}, an earlier field gives {entry.Size}");
                }
                entry = layout.Hash switch
                {
                    HashKind.Md5 => entry with { Md5 = hash },
                    HashKind.Sha1 => entry with { Sha1 = hash },
                    _ => entry with { Sha256 = hash },
                };
                if (layout.ExtraColumns == 2)
                    entry = entry with { Section = parts[2], Priority = parts[3] };
                entries[name] = entry;
            }
            var missing = order.Where(n => !namesInField.Contains(n)).ToList();
            if (missing.Count > 0)
                throw new DebianFormatException($"{source}: field {layout.Field} does not list {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        }
        return order.Select(n => entries[n]).ToList();
    }

    /// <summary>The value of one checksum field (first line empty, one " hash size [extra] name" line per file).</summary>
    public static string Format(IEnumerable<FileEntry> files, ChecksumFieldLayout layout)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var f in files)
        {
            var hash = layout.Hash switch
            {
                HashKind.Md5 => f.Md5,
                HashKind.Sha1 => f.Sha1,
                _ => f.Sha256,
            } ?? throw new ArgumentException($"{f.Name} has no {layout.Hash} sum");
            sb.Append("\n ").Append(hash).Append(' ');
            // Release files right-align sizes to a width of 16, as apt-ftparchive and dak do.
            sb.Append(layout.Field is "MD5Sum" or "SHA1" or "SHA256" ? f.Size.ToString(CultureInfo.InvariantCulture).PadLeft(16) : f.Size.ToString(CultureInfo.InvariantCulture));
            if (layout.ExtraColumns == 2)
                sb.Append(' ').Append(f.Section ?? "-").Append(' ').Append(f.Priority ?? "-");
            sb.Append(' ').Append(f.Name);
        }
        return sb.ToString();
    }
}
