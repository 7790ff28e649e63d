using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Autobuilder.Silo.Qa;

/// <summary>
/// One Packages file as the installability check reads it, parsed once per version of the file
/// (issue 15's speed: a publish to the target changes its index, not the base's ~63,000 stanzas,
/// so only the changed file is read again). Each stanza keeps the lines dose-debcheck reads (the
/// long Description and the file and checksum fields are left out: dose never reads them), its
/// names (Package and Provides), the names its Depends and Pre-Depends mention (every alternative)
/// and whether it is Essential; the index knows which stanzas carry a name and which need one, so
/// the closure a candidate reaches, and the candidates a change can reach, are found without
/// reading the file again.
/// </summary>
public sealed class DoseIndex
{
    /// <summary>One stanza: the text dose gets (lines ending in "\n", no blank line) and what the closure follows.</summary>
    public sealed class Entry
    {
        public required string Text { get; init; }
        public required string Package { get; init; }
        public string? Version { get; init; }
        public string? Architecture { get; init; }
        public string? Source { get; init; }
        public string? Provides { get; init; }
        public required string[] Names { get; init; }
        public required string[] Needs { get; init; }
        public bool Essential { get; init; }
    }

    // Fields dose-debcheck never reads, and the bulk of an index (Description alone is most of it).
    private static readonly HashSet<string> Unread = new(StringComparer.OrdinalIgnoreCase)
    {
        "Description", "Description-md5", "Tag", "Filename", "Size", "MD5sum", "SHA1", "SHA256", "SHA512", "Homepage",
        "Maintainer", "Original-Maintainer",
    };

    private readonly Dictionary<string, int[]> _byName;
    private readonly Dictionary<string, int[]> _needers;
    private Dictionary<string, int>? _texts;

    private DoseIndex(string identity, Entry[] entries)
    {
        Identity = identity;
        Entries = entries;
        var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var needers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var essential = new List<string>();
        for (var i = 0; i < entries.Length; i++)
        {
            foreach (var name in entries[i].Names)
                Add(byName, name, i);
            foreach (var need in entries[i].Needs)
                Add(needers, need, i);
            if (entries[i].Essential)
                essential.Add(entries[i].Package);
        }
        _byName = byName.ToDictionary(p => p.Key, p => p.Value.Distinct().ToArray(), StringComparer.Ordinal);
        _needers = needers.ToDictionary(p => p.Key, p => p.Value.Distinct().ToArray(), StringComparer.Ordinal);
        EssentialNames = essential;

        static void Add(Dictionary<string, List<int>> map, string key, int i)
        {
            if (!map.TryGetValue(key, out var list))
                map[key] = list = [];
            list.Add(i);
        }
    }

    /// <summary>What names this version of the file: its path, size and time (a published generation is never rewritten).</summary>
    public string Identity { get; }

    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>The packages marked Essential: dose counts them in every installation.</summary>
    public IReadOnlyList<string> EssentialNames { get; }

    /// <summary>The stanzas whose Package or Provides is <paramref name="name"/>.</summary>
    public IReadOnlyList<int> Carrying(string name) => _byName.TryGetValue(name, out var list) ? list : [];

    /// <summary>The stanzas whose Depends or Pre-Depends mention <paramref name="name"/>.</summary>
    public IReadOnlyList<int> Needing(string name) => _needers.TryGetValue(name, out var list) ? list : [];

    /// <summary>How often each stanza text occurs (built on the first diff).</summary>
    private Dictionary<string, int> Texts
    {
        get
        {
            if (_texts is null)
            {
                var texts = new Dictionary<string, int>(Entries.Count, StringComparer.Ordinal);
                foreach (var e in Entries)
                    texts[e.Text] = texts.GetValueOrDefault(e.Text) + 1;
                _texts = texts;
            }
            return _texts;
        }
    }

    /// <summary>
    /// The stanzas one of the two versions holds and the other does not (compared by their text, as
    /// a multiset): what a change of the file changed, from both sides.
    /// </summary>
    public static List<Entry> Changed(DoseIndex? before, DoseIndex? after)
    {
        var changed = new List<Entry>();
        if (ReferenceEquals(before, after))
            return changed;
        Collect(before, after, changed);
        Collect(after, before, changed);
        return changed;

        static void Collect(DoseIndex? from, DoseIndex? other, List<Entry> into)
        {
            if (from is null)
                return;
            var left = other is null ? new Dictionary<string, int>(StringComparer.Ordinal) : new Dictionary<string, int>(other.Texts, StringComparer.Ordinal);
            foreach (var e in from.Entries)
            {
                if (left.TryGetValue(e.Text, out var n) && n > 0)
                    left[e.Text] = n - 1;
                else
                    into.Add(e);
            }
        }
    }

    // A .gz read member by member: each member's stanzas, by the SHA-256 of its compressed bytes.
    private Dictionary<string, Entry[]>? _members;

    /// <summary>
    /// Reads a .gz Packages file as our publisher writes a big one — one gzip member per block of
    /// whole stanzas, a publish recompressing only the blocks it changed — reusing the stanzas of
    /// every member <paramref name="previous"/> (the file's last version) had byte for byte: a
    /// publish to a 50,000-package target costs the blocks it touched, not the index. Any other
    /// file (plain, a member that does not end between two stanzas, a split that does not check
    /// out against the members' own sizes) is read whole.
    /// </summary>
    public static DoseIndex Read(string path, string identity, DoseIndex? previous, CancellationToken cancellationToken)
    {
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
            return Read(path, identity, cancellationToken);
        var bytes = File.ReadAllBytes(path);
        var members = new Dictionary<string, Entry[]>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        foreach (var (offset, length) in Members(bytes))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hash = Convert.ToHexString(SHA256.HashData(bytes.AsSpan(offset, length)));
            if (!members.TryGetValue(hash, out var part))
            {
                part = previous?._members?.GetValueOrDefault(hash) ?? ReadMember(bytes, offset, length, last: offset + length == bytes.Length, cancellationToken);
                if (part is null)
                    return Read(path, identity, cancellationToken);
                members[hash] = part;
            }
            entries.AddRange(part);
        }
        return new DoseIndex(identity, [.. entries]) { _members = members };
    }

    /// <summary>Where each gzip member may start (its magic bytes): a false start inside compressed data fails <see cref="ReadMember"/>'s checks.</summary>
    private static List<(int Offset, int Length)> Members(byte[] bytes)
    {
        var starts = new List<int>();
        ReadOnlySpan<byte> magic = [0x1F, 0x8B, 0x08];
        for (var at = 0; at < bytes.Length;)
        {
            var next = bytes.AsSpan(at).IndexOf(magic);
            if (next < 0)
                break;
            starts.Add(at + next);
            at += next + magic.Length;
        }
        if (starts.Count == 0 || starts[0] != 0)
            return [(0, bytes.Length)];
        return [.. starts.Select((start, i) => (start, (i + 1 < starts.Count ? starts[i + 1] : bytes.Length) - start))];
    }

    /// <summary>One member's stanzas; null when the bytes are not exactly one whole member ending between two stanzas.</summary>
    private static Entry[]? ReadMember(byte[] bytes, int offset, int length, bool last, CancellationToken cancellationToken)
    {
        if (length < 18)
            return null;
        byte[] data;
        try
        {
            using var input = new MemoryStream(bytes, offset, length, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            data = output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
        // The member's own trailer: its uncompressed size (mod 2^32) — a cut inside compressed data fails it.
        if ((uint)data.Length != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + length - 4)))
            return null;
        var text = Encoding.UTF8.GetString(data);
        if (text.Length > 0 && !text.EndsWith("\n\n", StringComparison.Ordinal) && !(last && text.EndsWith('\n')))
            return null;
        using var reader = new StringReader(text);
        return [.. ReadEntries(reader, cancellationToken)];
    }

    /// <summary>Reads a plain or .gz Packages file (every gzip member: our publisher writes a big index as many).</summary>
    public static DoseIndex Read(string path, string identity, CancellationToken cancellationToken)
    {
        if (path.EndsWith(".xz", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: only .gz or plain indices are read here (publish .gz: IndexCompressions)");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16);
        return Read(reader, identity, cancellationToken);
    }

    public static DoseIndex Read(TextReader reader, string identity, CancellationToken cancellationToken) =>
        new(identity, [.. ReadEntries(reader, cancellationToken)]);

    private static List<Entry> ReadEntries(TextReader reader, CancellationToken cancellationToken)
    {
        var interned = new Dictionary<string, string>(StringComparer.Ordinal);
        string Intern(string s)
        {
            if (interned.TryGetValue(s, out var known))
                return known;
            interned[s] = s;
            return s;
        }

        var entries = new List<Entry>();
        var text = new StringBuilder(1024);
        string? package = null, version = null, arch = null, source = null, provides = null, depends = null, preDepends = null, essential = null;
        // The field the current line continues, and its value so far; skipping: a field dose never reads.
        string? field = null;
        StringBuilder? value = null;
        var skipping = false;

        void EndField()
        {
            if (field is null)
                return;
            var v = value!.ToString().Trim();
            switch (field)
            {
                case "package": package = v; break;
                case "version": version = v; break;
                case "architecture": arch = v; break;
                case "source": source = v; break;
                case "provides": provides = v; break;
                case "depends": depends = v; break;
                case "pre-depends": preDepends = v; break;
                case "essential": essential = v; break;
            }
            field = null;
        }

        void EndStanza()
        {
            EndField();
            if (package is { Length: > 0 })
            {
                var names = new List<string> { Intern(package) };
                if (provides is not null)
                    names.AddRange(Names(provides).Select(Intern));
                var needs = new List<string>();
                if (depends is not null)
                    needs.AddRange(Names(depends).Select(Intern));
                if (preDepends is not null)
                    needs.AddRange(Names(preDepends).Select(Intern));
                entries.Add(new Entry
                {
                    Text = text.ToString(),
                    Package = Intern(package),
                    Version = version,
                    Architecture = arch is null ? null : Intern(arch),
                    Source = source,
                    Provides = provides,
                    Names = [.. names.Distinct()],
                    Needs = [.. needs.Distinct()],
                    Essential = string.Equals(essential, "yes", StringComparison.OrdinalIgnoreCase),
                });
            }
            text.Clear();
            package = version = arch = source = provides = depends = preDepends = essential = null;
            skipping = false;
        }

        var lines = 0;
        while (reader.ReadLine() is { } line)
        {
            if ((++lines & 0xFFFF) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            if (line.Length == 0)
            {
                EndStanza();
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                if (skipping)
                    continue;
                text.Append(line).Append('\n');
                value?.Append(' ').Append(line.AsSpan().Trim());
                continue;
            }
            EndField();
            var colon = line.IndexOf(':');
            var name = colon > 0 ? line[..colon] : line;
            skipping = Unread.Contains(name);
            if (skipping)
                continue;
            text.Append(line).Append('\n');
            if (colon > 0 && Followed(name) is { } followed)
            {
                field = followed;
                value ??= new StringBuilder();
                value.Clear().Append(line.AsSpan(colon + 1));
            }
        }
        EndStanza();
        return entries;
    }

    private static string? Followed(string name) =>
        name.Length switch
        {
            6 when name.Equals("Source", StringComparison.OrdinalIgnoreCase) => "source",
            7 when name.Equals("Package", StringComparison.OrdinalIgnoreCase) => "package",
            7 when name.Equals("Version", StringComparison.OrdinalIgnoreCase) => "version",
            7 when name.Equals("Depends", StringComparison.OrdinalIgnoreCase) => "depends",
            8 when name.Equals("Provides", StringComparison.OrdinalIgnoreCase) => "provides",
            9 when name.Equals("Essential", StringComparison.OrdinalIgnoreCase) => "essential",
            11 when name.Equals("Pre-Depends", StringComparison.OrdinalIgnoreCase) => "pre-depends",
            12 when name.Equals("Architecture", StringComparison.OrdinalIgnoreCase) => "architecture",
            _ => null,
        };

    /// <summary>The package names a relation field names, every alternative, without version or architecture qualifier.</summary>
    public static IEnumerable<string> Names(string relations)
    {
        foreach (var atom in relations.Split([',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var end = atom.IndexOfAny([' ', '(', ':', '[', '<', '\t']);
            var name = end < 0 ? atom : atom[..end];
            if (name.Length > 0)
                yield return name;
        }
    }

    /// <summary>
    /// Marks, per index, the stanzas an installation of something needing <paramref name="start"/>
    /// can hold: those carrying a name in it, then what they need, and so on, with every Essential
    /// package and what it reaches (dose counts the essential packages in every query).
    /// </summary>
    public static bool[][] Closure(IEnumerable<string> start, IReadOnlyList<DoseIndex> indices)
    {
        var keep = indices.Select(i => new bool[i.Entries.Count]).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var wanted = new Queue<string>();
        foreach (var name in start.Concat(indices.SelectMany(i => i.EssentialNames)))
        {
            if (seen.Add(name))
                wanted.Enqueue(name);
        }
        while (wanted.TryDequeue(out var name))
        {
            for (var f = 0; f < indices.Count; f++)
            {
                foreach (var i in indices[f].Carrying(name))
                {
                    if (keep[f][i])
                        continue;
                    keep[f][i] = true;
                    foreach (var need in indices[f].Entries[i].Needs)
                    {
                        if (seen.Add(need))
                            wanted.Enqueue(need);
                    }
                }
            }
        }
        return keep;
    }

    /// <summary>
    /// The names from which one of <paramref name="changed"/> can be reached through Depends and
    /// Pre-Depends over <paramref name="indices"/> (the names themselves included): a candidate
    /// none of whose needs is among them reaches none of the changed stanzas.
    /// </summary>
    public static HashSet<string> ReachingAny(IEnumerable<string> changed, IReadOnlyList<DoseIndex> indices)
    {
        var reaching = new HashSet<string>(changed, StringComparer.Ordinal);
        var queue = new Queue<string>(reaching);
        while (queue.TryDequeue(out var name))
        {
            foreach (var index in indices)
            {
                foreach (var i in index.Needing(name))
                {
                    foreach (var carrier in index.Entries[i].Names)
                    {
                        if (reaching.Add(carrier))
                            queue.Enqueue(carrier);
                    }
                }
            }
        }
        return reaching;
    }

    /// <summary>Writes the marked stanzas of <paramref name="indices"/>, in file order, as one plain Packages file; returns how many.</summary>
    public static int Write(IReadOnlyList<DoseIndex> indices, bool[][] keep, TextWriter output)
    {
        var written = 0;
        for (var f = 0; f < indices.Count; f++)
        {
            for (var i = 0; i < keep[f].Length; i++)
            {
                if (!keep[f][i])
                    continue;
                output.Write(indices[f].Entries[i].Text);
                output.Write('\n');
                written++;
            }
        }
        return written;
    }
}
