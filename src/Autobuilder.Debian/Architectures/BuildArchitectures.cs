namespace Autobuilder.Debian.Architectures;

/// <summary>Reads a .dsc Architecture field against the architectures this autobuilder builds for.</summary>
public static class BuildArchitectures
{
    private const string Independent = "all";

    /// <summary>
    /// Which builds the source package needs. The field is a space-separated list of architecture
    /// names and wildcards, "any", and "all" for architecture-independent packages (Debian Policy
    /// §5.6.8, §11.1.1); a .dsc has no negations.
    /// </summary>
    /// <param name="architectureField">The value of the .dsc Architecture field.</param>
    /// <param name="configured">Architecture names this autobuilder builds for, in order of preference; each must be in <see cref="KnownArchitectures"/>.</param>
    /// <exception cref="InvalidArchitectureException">The field is empty or has an entry that is not an architecture name or wildcard.</exception>
    /// <exception cref="ArgumentException">The configured list is empty, repeats a name or names an unknown architecture.</exception>
    public static ArchitectureNeeds Needed(string architectureField, IReadOnlyList<string> configured)
    {
        ArgumentNullException.ThrowIfNull(architectureField);
        var architectures = Configured(configured);
        var entries = Entries(architectureField);

        var specific = architectures
            .Where(a => entries.Any(e => e != Independent && a.Matches(e)))
            .Select(a => a.Name)
            .ToList();
        string? independentOn = null;
        if (entries.Contains(Independent))
            independentOn = specific.Count > 0 ? specific[0] : architectures[0].Name;
        var warnings = entries
            .Where(e => e != Independent && !KnownArchitectures.All.Any(a => a.Matches(e)))
            .Distinct()
            .Select(e => $"'{e}' matches no architecture the autobuilder knows; nothing is built for it")
            .ToList();
        return new ArchitectureNeeds(specific, independentOn, warnings);
    }

    private static List<DebianArchitecture> Configured(IReadOnlyList<string> configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        if (configured.Count == 0)
            throw new ArgumentException("no build architectures are configured", nameof(configured));
        var result = new List<DebianArchitecture>();
        foreach (var name in configured)
        {
            var arch = KnownArchitectures.Find(name)
                ?? throw new ArgumentException($"configured build architecture '{name}' is unknown; known: {string.Join(' ', KnownArchitectures.All.Select(a => a.Name))}", nameof(configured));
            if (result.Contains(arch))
                throw new ArgumentException($"build architecture '{name}' is configured twice", nameof(configured));
            result.Add(arch);
        }
        return result;
    }

    private static List<string> Entries(string field)
    {
        var entries = field.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToList();
        if (entries.Count == 0)
            throw new InvalidArchitectureException(field, "it is empty");
        foreach (var entry in entries)
        {
            if (entry.StartsWith('!'))
                throw new InvalidArchitectureException(field, $"'{entry}' is a negation, which a .dsc Architecture field cannot contain");
            // Lower-case form of Dpkg::Arch::debarch_is_illegal(): [a-z0-9][a-z0-9-]*.
            if (!entry.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                throw new InvalidArchitectureException(field, $"{DisplayText.Quote(entry)} contains characters other than a-z, 0-9 and '-'");
            if (entry[0] == '-')
                throw new InvalidArchitectureException(field, $"'{entry}' starts with '-'");
        }
        return entries;
    }
}
