using System.Text;

namespace Autobuilder.Debian.BuildLogs;

/// <summary>
/// A unified diff (diff -u's shape) of the failing region of a build log against the log of the
/// last good build of the same source. Both logs come already normalised
/// (<see cref="BuildLogNormaliser"/>) and bounded. The region is the lines around the errors; its
/// counterpart in the good log is found by an anchor: the nearest line before the region that
/// occurs once in each log (a dh command, "make[1]: Entering directory …"). Only those two windows
/// are compared, so the work and the output stay small whatever the logs' size.
/// </summary>
public static class BuildLogDiff
{
    /// <summary>Lines of the failing log looked at before the region for an anchor.</summary>
    public const int AnchorSearch = 300;

    /// <summary>The most lines of either window compared.</summary>
    public const int MaxWindow = 500;

    private const int Context = 3;

    /// <summary>
    /// The diff, or null when the region has no counterpart in the good log or does not differ
    /// from it. <paramref name="regionStart"/>..<paramref name="regionEnd"/> (inclusive) index
    /// <paramref name="failing"/>; the first numbers say which log line each list starts at.
    /// </summary>
    public static string? Around(IReadOnlyList<string> good, long goodFirstNumber, IReadOnlyList<string> failing, long failingFirstNumber,
        int regionStart, int regionEnd, string goodLabel, string failingLabel, int maxLines = 60, int maxLineChars = 240)
    {
        if (failing.Count == 0 || good.Count == 0)
            return null;
        regionStart = Math.Clamp(regionStart, 0, failing.Count - 1);
        regionEnd = Math.Clamp(regionEnd, regionStart, failing.Count - 1);
        if (regionEnd - regionStart + 1 > MaxWindow)
            regionStart = regionEnd - MaxWindow + 1;
        var anchor = FindAnchor(good, failing, regionStart);
        if (anchor is null)
            return null;
        var (goodAnchor, failingAnchor) = anchor.Value;
        var fStart = Math.Max(failingAnchor, regionEnd - MaxWindow + 1);
        // Keep the anchor's offset into the region on both sides, then give the good side room for
        // the lines the failing build never reached.
        var gStart = goodAnchor + (fStart - failingAnchor);
        var fEnd = regionEnd;
        var gEnd = Math.Min(good.Count - 1, gStart + (fEnd - fStart) + 2 * Context);
        if (gStart > gEnd)
            return null;
        var a = Slice(good, gStart, gEnd);
        var b = Slice(failing, fStart, fEnd);
        var edits = Edits(a, b);
        if (edits.All(e => e.Kind == ' '))
            return null;
        return Format(edits, goodFirstNumber + gStart, failingFirstNumber + fStart, goodLabel, failingLabel, maxLines, maxLineChars);
    }

    private static (int Good, int Failing)? FindAnchor(IReadOnlyList<string> good, IReadOnlyList<string> failing, int regionStart)
    {
        var inGood = new Dictionary<string, (int Count, int Index)>(StringComparer.Ordinal);
        for (var i = 0; i < good.Count; i++)
        {
            if (!Anchorable(good[i]))
                continue;
            inGood[good[i]] = inGood.TryGetValue(good[i], out var seen) ? (seen.Count + 1, i) : (1, i);
        }
        var from = Math.Max(0, regionStart - AnchorSearch);
        var inFailing = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = from; i <= regionStart; i++)
            inFailing[failing[i]] = inFailing.GetValueOrDefault(failing[i]) + 1;
        (int, int)? fallback = null;
        for (var i = regionStart; i >= from; i--)
        {
            if (!Anchorable(failing[i]) || !inGood.TryGetValue(failing[i], out var g))
                continue;
            if (g.Count == 1 && inFailing[failing[i]] == 1)
                return (g.Index, i);
            fallback ??= (g.Index, i);
        }
        return fallback;
    }

    // Blank lines and bare punctuation match anywhere; they would anchor the region at random.
    private static bool Anchorable(string line) => line.Count(char.IsLetterOrDigit) >= 6;

    private static string[] Slice(IReadOnlyList<string> lines, int start, int end)
    {
        var slice = new string[end - start + 1];
        for (var i = start; i <= end; i++)
            slice[i - start] = lines[i];
        return slice;
    }

    private readonly record struct Edit(char Kind, int A, int B, string Text);

    /// <summary>The shortest edit script by longest common subsequence (the windows are at most <see cref="MaxWindow"/> lines).</summary>
    private static List<Edit> Edits(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var edits = new List<Edit>(a.Length + b.Length);
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                edits.Add(new Edit(' ', x, y, a[x]));
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                // Removed lines before added ones, as diff -u writes them.
                edits.Add(new Edit('-', x, y, a[x]));
                x++;
            }
            else
            {
                edits.Add(new Edit('+', x, y, b[y]));
                y++;
            }
        }
        return edits;
    }

    private static string Format(List<Edit> edits, long aFirst, long bFirst, string aLabel, string bLabel, int maxLines, int maxLineChars)
    {
        var text = new StringBuilder();
        text.Append("--- ").AppendLine(aLabel).Append("+++ ").AppendLine(bLabel);
        var written = 0;
        var i = 0;
        while (i < edits.Count)
        {
            // The next hunk: from Context lines before a change to Context lines after the last
            // change that is at most 2 * Context unchanged lines from the one before it.
            var first = edits.FindIndex(i, e => e.Kind != ' ');
            if (first < 0)
                break;
            var start = Math.Max(i, first - Context);
            var last = first;
            for (var k = first + 1; k < edits.Count && k <= last + 2 * Context; k++)
                if (edits[k].Kind != ' ')
                    last = k;
            var end = Math.Min(edits.Count - 1, last + Context);
            var hunk = edits.GetRange(start, end - start + 1);
            var aCount = hunk.Count(e => e.Kind != '+');
            var bCount = hunk.Count(e => e.Kind != '-');
            text.AppendLine($"@@ -{aFirst + hunk[0].A},{aCount} +{bFirst + hunk[0].B},{bCount} @@");
            foreach (var e in hunk)
            {
                if (written == maxLines)
                {
                    text.AppendLine($"[diff cut at {maxLines} lines]");
                    return text.ToString();
                }
                var line = e.Text.Length > maxLineChars ? e.Text[..maxLineChars] + " […]" : e.Text;
                text.Append(e.Kind).AppendLine(line);
                written++;
            }
            i = end + 1;
        }
        return text.ToString();
    }
}
