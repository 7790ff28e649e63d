using System.Text;

namespace Autobuilder.Debian.Tests.Versions;

/// <summary>
/// Deterministic random valid versions, biased towards the characters and shapes where ordering
/// is subtle: '~', '+', '.', '-' inside upstream (only with a revision), ':' inside upstream (only
/// with an epoch), letters next to digits, leading zeros and very long digit runs. Half of the
/// pairs are a small edit of the first version, so many pairs are close or equal.
/// </summary>
public sealed class VersionGenerator(int seed)
{
    private const string Letters = "abzABZ";
    private const string UpstreamSymbols = ".+~";
    private const string RevisionSymbols = ".+~";
    private readonly Random random = new(seed);

    public (string Left, string Right) Pair()
    {
        var left = Version();
        var right = random.Next(2) == 0 ? Version() : Edit(left);
        return (left, right);
    }

    public string Version()
    {
        var epoch = random.Next(6) switch
        {
            0 => $"{random.Next(3)}:",
            1 => "0:",
            _ => "",
        };
        var hasRevision = random.Next(2) == 0;
        var upstream = new StringBuilder(Digits());
        var extra = epoch != "" ? UpstreamSymbols + ":" : UpstreamSymbols;
        if (hasRevision)
            extra += "-";
        AppendSegments(upstream, extra);
        if (!hasRevision)
            return epoch + upstream;
        var revision = new StringBuilder();
        revision.Append(random.Next(3) == 0 ? Letters[random.Next(Letters.Length)].ToString() : Digits());
        AppendSegments(revision, RevisionSymbols);
        return $"{epoch}{upstream}-{revision}";
    }

    private void AppendSegments(StringBuilder part, string symbols)
    {
        var segments = random.Next(5);
        for (var i = 0; i < segments; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    part.Append(Letters[random.Next(Letters.Length)]);
                    break;
                case 1:
                    part.Append(Digits());
                    break;
                default:
                    part.Append(symbols[random.Next(symbols.Length)]);
                    if (random.Next(2) == 0)
                        part.Append(Digits());
                    break;
            }
        }
    }

    private string Digits() => random.Next(12) switch
    {
        0 => "0" + random.Next(10),                          // leading zero
        1 => LongDigits(random.Next(19, 40)),                // beyond 2^64
        2 => "0",
        _ => random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private string LongDigits(int length)
    {
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
            sb.Append((char)('0' + random.Next(i == 0 ? 1 : 0, 10)));
        return sb.ToString();
    }

    // Small edits that keep the version valid: they produce equal-by-value pairs ("1.0" vs
    // "1.00"), '~' and '+' suffixes, and one-character differences.
    private string Edit(string version)
    {
        var hasRevision = version.Contains('-');
        var colon = version.IndexOf(':');
        return random.Next(8) switch
        {
            0 => version + "~",
            1 => version + (hasRevision ? "+b1" : "+"),
            2 => version + "0",
            3 => AddLeadingZero(version, colon),
            4 => colon < 0 ? "0:" + version : version[(colon + 1)..] is var rest && !rest.Contains(':') ? rest : version,
            5 => ReplaceLastDigit(version),
            6 => hasRevision ? version + ".0" : version + "-0",
            _ => version,
        };
    }

    private string AddLeadingZero(string version, int colon)
    {
        var digits = Enumerable.Range(colon + 1, version.Length - colon - 1).Where(i => char.IsAsciiDigit(version[i])
            && (i == 0 || !char.IsAsciiDigit(version[i - 1]))).ToArray();
        return digits.Length == 0 ? version : version.Insert(digits[random.Next(digits.Length)], "0");
    }

    private string ReplaceLastDigit(string version)
    {
        var i = version.Length - 1;
        while (i > 0 && !char.IsAsciiDigit(version[i]))
            i--;
        if (i <= 0 || !char.IsAsciiDigit(version[i]))
            return version;
        return version[..i] + (char)('0' + random.Next(10)) + version[(i + 1)..];
    }
}
