namespace Autobuilder.Debian.Versions;

/// <summary>
/// dpkg's ordering of one version part (upstream version or revision): the only place it is implemented.
/// </summary>
internal static class VersionOrder
{
    // deb-version(7), "Sorting algorithm", and dpkg lib/dpkg/version.c order() + verrevcmp():
    // the strings are compared as alternating non-digit and digit runs, left to right. In a non-digit
    // run '~' sorts before everything, even the end of the part; then the end of the part and digits;
    // then letters (ASCII order); then every other character (ASCII order). Digit runs compare as
    // numbers: leading zeros are skipped and the longer run is larger, so runs of any length work
    // without converting them to a number (no overflow).
    public static int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while ((i < a.Length && !IsDigit(a[i])) || (j < b.Length && !IsDigit(b[j])))
            {
                var ac = Weight(a, i);
                var bc = Weight(b, j);
                if (ac != bc)
                    return Math.Sign(ac - bc);
                i++;
                j++;
            }
            while (i < a.Length && a[i] == '0')
                i++;
            while (j < b.Length && b[j] == '0')
                j++;
            var firstDifference = 0;
            while (i < a.Length && IsDigit(a[i]) && j < b.Length && IsDigit(b[j]))
            {
                if (firstDifference == 0)
                    firstDifference = a[i] - b[j];
                i++;
                j++;
            }
            if (i < a.Length && IsDigit(a[i]))
                return 1;
            if (j < b.Length && IsDigit(b[j]))
                return -1;
            if (firstDifference != 0)
                return Math.Sign(firstDifference);
        }
        return 0;
    }

    /// <summary>
    /// A string that is equal for two parts exactly when <see cref="Compare"/> says they are equal, so
    /// hash codes agree with comparison: "1.0" and "1.00" and "1." all give "1.".
    /// </summary>
    public static string EqualityKey(string part)
    {
        // Compare treats a digit run by its value and a missing final digit run as zero, but a zero
        // run in the middle still separates the non-digit runs around it ("a0b" differs from "ab").
        // So: drop leading zeros, keep a lone "0" in the middle, drop an all-zero run at the end.
        var key = new System.Text.StringBuilder(part.Length);
        var i = 0;
        while (i < part.Length)
        {
            if (!IsDigit(part[i]))
            {
                key.Append(part[i++]);
                continue;
            }
            while (i < part.Length && part[i] == '0')
                i++;
            var digits = i;
            while (i < part.Length && IsDigit(part[i]))
                i++;
            if (digits < i)
                key.Append(part, digits, i - digits);
            else if (i < part.Length)
                key.Append('0');
        }
        return key.ToString();
    }

    // order(): digits and the end of the string weigh 0, '~' weighs -1, letters their code,
    // anything else its code + 256 so it sorts after all letters.
    private static int Weight(ReadOnlySpan<char> s, int index)
    {
        if (index >= s.Length)
            return 0;
        var c = s[index];
        if (IsDigit(c))
            return 0;
        if (char.IsAsciiLetter(c))
            return c;
        if (c == '~')
            return -1;
        return c + 256;
    }

    private static bool IsDigit(char c) => char.IsAsciiDigit(c);
}
