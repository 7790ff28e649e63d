using System.Globalization;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// The date format of Release's Date and Valid-Until fields: RFC 2822 in UTC (Debian wiki
/// RepositoryFormat, "Date, Valid-Until"). We write the numeric zone "+0000" as apt-ftparchive does
/// by default (APT::FTPArchive::Release::NumericTimezone) and RFC 2822 §3.3 prefers; dak writes
/// "UTC". apt reads both, and so do we.
/// </summary>
public static class ReleaseDate
{
    private static readonly string[] Zones = ["UTC", "GMT", "Z", "+0000"];

    /// <summary>"Sat, 01 Jan 2000 00:00:00 +0000".</summary>
    public static string Format(DateTimeOffset when) =>
        when.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";

    public static bool TryParse(string? text, out DateTimeOffset when)
    {
        when = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var t = text.Trim();
        var space = t.LastIndexOf(' ');
        if (space < 0)
            return false;
        var zone = t[(space + 1)..];
        var stamp = t[..space];
        TimeSpan offset;
        if (Zones.Contains(zone, StringComparer.OrdinalIgnoreCase))
        {
            offset = TimeSpan.Zero;
        }
        else if (zone.Length == 5 && zone[0] is '+' or '-' && int.TryParse(zone.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm))
        {
            offset = new TimeSpan(hhmm / 100, hhmm % 100, 0);
            if (zone[0] == '-')
                offset = -offset;
        }
        else
        {
            return false;
        }
        // The weekday is optional in RFC 2822 and only redundant; a day of month may have one digit.
        string[] formats = ["ddd, d MMM yyyy HH:mm:ss", "d MMM yyyy HH:mm:ss"];
        if (!DateTime.TryParseExact(stamp, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return false;
        when = new DateTimeOffset(local, offset).ToUniversalTime();
        return true;
    }

    public static DateTimeOffset Parse(string text, string source, string field) =>
        TryParse(text, out var when) ? when : throw new DebianFormatException($"{source}: field {field}: '{text}' is not an RFC 2822 date");
}
