using System.Globalization;
using System.Text;

namespace Autobuilder.Debian;

/// <summary>Quoting of untrusted strings inside error messages.</summary>
internal static class DisplayText
{
    /// <summary>
    /// The string in single quotes, control and invisible formatting characters (e.g. a right-to-left
    /// override) shown as \xNN or \uNNNN: the strings come from uploads and command lines, and the
    /// message must stay one harmless, honest line on a terminal or in a log.
    /// </summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('\'');
        foreach (var c in text)
        {
            if (char.IsControl(c) && c <= '\xff')
                sb.Append($"\\x{(int)c:x2}");
            else if (char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
                     or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                sb.Append($"\\u{(int)c:x4}");
            else
                sb.Append(c);
        }
        return sb.Append('\'').ToString();
    }
}
