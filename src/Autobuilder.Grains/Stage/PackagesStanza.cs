namespace Autobuilder.Grains.Stage;

/// <summary>Fields read back from a recorded Packages stanza (the record keeps the stanza as the index prints it).</summary>
public static class PackagesStanza
{
    /// <summary>The Provides field of a Packages stanza, one relation per entry (continuation lines joined).</summary>
    public static IReadOnlyList<string> Provides(string stanza)
    {
        var value = new List<string>();
        var inField = false;
        foreach (var line in stanza.Split('\n'))
        {
            if (inField && line.Length > 0 && line[0] is ' ' or '\t')
                value.Add(line.Trim());
            else if (line.StartsWith("Provides:", StringComparison.OrdinalIgnoreCase))
            {
                inField = true;
                value.Add(line["Provides:".Length..].Trim());
            }
            else
                inField = false;
        }
        return string.Join(' ', value).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
