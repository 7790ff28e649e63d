using System.Text;

namespace Autobuilder.Silo.Qa;

/// <summary>
/// dose-debcheck's background cut down to what the candidates can reach: the stanzas whose name or
/// Provides a candidate's Depends or Pre-Depends names (any alternative), then what those name, and
/// so on; and every Essential package with what it reaches, since dose counts the essential
/// packages in every installability query. A package outside that closure can be in no
/// installation of a candidate, so the verdicts and dose's explanations are the same, while dose
/// parses a few thousand stanzas instead of the whole base and target (over 100,000 with bookworm
/// and a big extras) on every recompute. Written as plain text: dose-debcheck reads only the first
/// member of a multi-member .gz, which our publisher writes for big indices.
/// </summary>
public static class DoseBackground
{
    /// <summary>Writes the closure of <paramref name="foreground"/>'s relations over <paramref name="background"/> (plain or .gz Packages files) into <paramref name="target"/>; returns the stanzas written.</summary>
    public static int Write(string foreground, IReadOnlyList<string> background, string target, CancellationToken cancellationToken)
    {
        var needs = DoseIndex.Read(foreground, foreground, cancellationToken).Entries.SelectMany(e => e.Needs);
        var indices = background.Select(b => DoseIndex.Read(b, b, cancellationToken)).ToList();
        return Write(needs, indices, target);
    }

    /// <summary>As above, on indices already read (<see cref="DoseIndex"/>), from the names the candidates need.</summary>
    public static int Write(IEnumerable<string> needs, IReadOnlyList<DoseIndex> background, string target)
    {
        var keep = DoseIndex.Closure(needs, background);
        using var output = new StreamWriter(target, append: false, new UTF8Encoding(false), 1 << 16);
        return DoseIndex.Write(background, keep, output);
    }
}
