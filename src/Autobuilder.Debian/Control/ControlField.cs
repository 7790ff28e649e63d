namespace Autobuilder.Debian.Control;

/// <summary>
/// One field of a deb822 paragraph. <see cref="Value"/> is the text after the colon with the
/// first line trimmed; continuation lines are kept verbatim (with their leading space or tab),
/// joined by '\n', so a multi-line field writes back exactly as it was read.
/// </summary>
public readonly record struct ControlField(string Name, string Value)
{
    /// <summary>The first line of the value (for a folded or multiline field, its summary line).</summary>
    public string FirstLine => Value.IndexOf('\n') is var i && i >= 0 ? Value[..i] : Value;

    /// <summary>The continuation lines with their single leading space removed (deb822(5) multiline fields).</summary>
    public IEnumerable<string> ContinuationLines =>
        Value.Split('\n').Skip(1).Select(l => l.Length > 0 && (l[0] == ' ' || l[0] == '\t') ? l[1..] : l);
}
