using System.IO.Compression;
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
    private sealed record Entry(int File, int Ordinal, string[] Needs);

    /// <summary>Writes the closure of <paramref name="foreground"/>'s relations over <paramref name="background"/> (plain or .gz Packages files) into <paramref name="target"/>; returns the stanzas written.</summary>
    public static int Write(string foreground, IReadOnlyList<string> background, string target, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string Intern(string s) => names.TryGetValue(s, out var known) ? known : names[s] = s;

        var entries = new List<Entry>();
        var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var wanted = new Queue<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Want(string name)
        {
            if (seen.Add(name))
                wanted.Enqueue(name);
        }

        foreach (var stanza in Stanzas(foreground))
        {
            foreach (var name in Needs(stanza))
                Want(name);
        }
        var counts = new int[background.Count];
        for (var file = 0; file < background.Count; file++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ordinal = 0;
            foreach (var stanza in Stanzas(background[file]))
            {
                var package = Field(stanza, "Package");
                if (package is null)
                {
                    ordinal++;
                    continue;
                }
                var index = entries.Count;
                entries.Add(new Entry(file, ordinal++, [.. Needs(stanza).Select(Intern)]));
                foreach (var name in Field(stanza, "Provides") is { } provides ? Names(provides).Prepend(package) : [package])
                {
                    if (!byName.TryGetValue(Intern(name), out var list))
                        byName[Intern(name)] = list = [];
                    list.Add(index);
                }
                if (string.Equals(Field(stanza, "Essential"), "yes", StringComparison.OrdinalIgnoreCase))
                    Want(Intern(package));
            }
            counts[file] = ordinal;
        }

        var keep = counts.Select(n => new bool[n]).ToArray();
        var kept = 0;
        while (wanted.TryDequeue(out var name))
        {
            if (!byName.TryGetValue(name, out var list))
                continue;
            foreach (var index in list)
            {
                var entry = entries[index];
                if (keep[entry.File][entry.Ordinal])
                    continue;
                keep[entry.File][entry.Ordinal] = true;
                kept++;
                foreach (var need in entry.Needs)
                    Want(need);
            }
        }

        using var output = new StreamWriter(target, append: false, new UTF8Encoding(false), 1 << 16);
        for (var file = 0; file < background.Count; file++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ordinal = 0;
            foreach (var stanza in Stanzas(background[file]))
            {
                if (ordinal < keep[file].Length && keep[file][ordinal])
                {
                    foreach (var line in stanza)
                        output.Write(line + "\n");
                    output.Write('\n');
                }
                ordinal++;
            }
        }
        return kept;
    }

    /// <summary>The package names a stanza's Depends and Pre-Depends name, every alternative, without version or architecture qualifier.</summary>
    private static IEnumerable<string> Needs(List<string> stanza) =>
        new[] { Field(stanza, "Depends"), Field(stanza, "Pre-Depends") }.OfType<string>().SelectMany(Names);

    private static IEnumerable<string> Names(string relations)
    {
        foreach (var atom in relations.Split([',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var end = atom.IndexOfAny([' ', '(', ':', '[', '<', '\t']);
            var name = end < 0 ? atom : atom[..end];
            if (name.Length > 0)
                yield return name;
        }
    }

    /// <summary>A field's value, its continuation lines joined; null when absent.</summary>
    private static string? Field(List<string> stanza, string field)
    {
        for (var i = 0; i < stanza.Count; i++)
        {
            var line = stanza[i];
            if (line.Length <= field.Length || line[field.Length] != ':' || !line.StartsWith(field, StringComparison.OrdinalIgnoreCase))
                continue;
            var value = new StringBuilder(line[(field.Length + 1)..].Trim());
            for (var j = i + 1; j < stanza.Count && stanza[j].Length > 0 && stanza[j][0] is ' ' or '\t'; j++)
                value.Append(' ').Append(stanza[j].Trim());
            return value.ToString();
        }
        return null;
    }

    /// <summary>The stanzas of a plain or .gz Packages file (every gzip member), each as its lines.</summary>
    private static IEnumerable<List<string>> Stanzas(string path)
    {
        if (path.EndsWith(".xz", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: only .gz or plain indices are read here (publish .gz: IndexCompressions)");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is var line)
        {
            if (line is null || line.Length == 0)
            {
                if (lines.Count > 0)
                {
                    yield return lines;
                    lines = [];
                }
                if (line is null)
                    yield break;
                continue;
            }
            lines.Add(line);
        }
    }
}
