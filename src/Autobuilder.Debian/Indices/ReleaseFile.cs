using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// A suite's Release file (Debian wiki RepositoryFormat, "Release files"): what the suite is, when
/// it was made, and the size and sums of every index below dists/&lt;suite&gt;/, which apt trusts
/// once the Release's signature is good. Used both to read a Release (or InRelease) and, through
/// <see cref="ToParagraph"/>, to write one.
/// </summary>
public sealed class ReleaseFile
{
    // Fields rebuilt from the properties on write. SHA512 is dropped: we cannot recompute it
    // (ChecksumSet has MD5, SHA-1, SHA-256), and a stale list would make apt reject the indexes.
    private static readonly HashSet<string> Modelled = new(StringComparer.OrdinalIgnoreCase)
    {
        "Origin", "Label", "Suite", "Version", "Codename", "Date", "Valid-Until", "NotAutomatic",
        "ButAutomaticUpgrades", "Acquire-By-Hash", "Architectures", "Components", "Description",
        "MD5Sum", "SHA1", "SHA256", "SHA512",
    };

    public string? Origin { get; init; }
    public string? Label { get; init; }
    public string? Suite { get; init; }
    public string? Version { get; init; }
    public string? Codename { get; init; }
    public DateTimeOffset? Date { get; init; }

    /// <summary>After this moment apt refuses the Release (a defence against replaying an old one).</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>Packages from this suite are not installed automatically (experimental-style suites).</summary>
    public bool NotAutomatic { get; init; }

    /// <summary>With NotAutomatic: upgrades of packages already from this suite are still taken (backports-style).</summary>
    public bool ButAutomaticUpgrades { get; init; }

    /// <summary>Indexes may be fetched as …/by-hash/SHA256/&lt;sum&gt;, which stays stable while the suite is updated.</summary>
    public bool AcquireByHash { get; init; }

    public IReadOnlyList<string> Architectures { get; init; } = [];
    public IReadOnlyList<string> Components { get; init; } = [];
    public string? Description { get; init; }

    /// <summary>The index files, named relative to dists/&lt;suite&gt;/ (main/binary-amd64/Packages.xz).</summary>
    public IReadOnlyList<FileEntry> Files { get; init; } = [];

    /// <summary>Fields this view does not model (Changelogs, Signed-By …), kept so that reading and writing back loses nothing.</summary>
    public IReadOnlyList<ControlField> OtherFields { get; init; } = [];

    /// <summary>The Release paragraph in dak's field order, files sorted by name, sizes right-aligned as apt-ftparchive writes them.</summary>
    public ControlParagraph ToParagraph()
    {
        var fields = new List<ControlField>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
                fields.Add(new ControlField(name, value));
        }

        Add("Origin", Origin);
        Add("Label", Label);
        Add("Suite", Suite);
        Add("Version", Version);
        Add("Codename", Codename);
        Add("Date", Date is { } d ? ReleaseDate.Format(d) : null);
        Add("Valid-Until", ValidUntil is { } v ? ReleaseDate.Format(v) : null);
        Add("NotAutomatic", NotAutomatic ? "yes" : null);
        Add("ButAutomaticUpgrades", ButAutomaticUpgrades ? "yes" : null);
        Add("Acquire-By-Hash", AcquireByHash ? "yes" : null);
        Add("Architectures", string.Join(' ', Architectures));
        Add("Components", string.Join(' ', Components));
        Add("Description", Description);
        fields.AddRange(OtherFields.Where(f => !Modelled.Contains(f.Name)));
        var ordered = FieldOrder.Apply(new ControlParagraph(fields), FieldOrder.Release);

        var files = Files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            return ordered; // an empty "MD5Sum:" list would say nothing, and some parsers reject it
        foreach (var layout in ChecksumFieldLayout.Release)
            ordered = ordered.With(layout.Field, ChecksumFields.Format(files, layout));
        return ordered;
    }

    public override string ToString() => ToParagraph().ToString();

    public static ReleaseFile FromParagraph(ControlParagraph p, string source)
    {
        static bool Yes(string? value) => string.Equals(value?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
        static IReadOnlyList<string> Words(string? value) =>
            value is null ? [] : value.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);

        return new ReleaseFile
        {
            Origin = p["Origin"],
            Label = p["Label"],
            Suite = p["Suite"],
            Version = p["Version"],
            Codename = p["Codename"],
            Date = p["Date"] is { } date ? ReleaseDate.Parse(date, source, "Date") : null,
            ValidUntil = p["Valid-Until"] is { } until ? ReleaseDate.Parse(until, source, "Valid-Until") : null,
            NotAutomatic = Yes(p["NotAutomatic"]),
            ButAutomaticUpgrades = Yes(p["ButAutomaticUpgrades"]),
            AcquireByHash = Yes(p["Acquire-By-Hash"]),
            Architectures = Words(p["Architectures"]),
            Components = Words(p["Components"]),
            Description = p["Description"],
            Files = ChecksumFields.Read(p, ChecksumFieldLayout.Release, source),
            OtherFields = p.Where(f => !Modelled.Contains(f.Name)).ToList(),
        };
    }

    /// <summary>Reads a Release or an InRelease (the signature is not checked here; see <see cref="Signing.Gpgv"/>).</summary>
    public static ReleaseFile Parse(ReadOnlySpan<byte> bytes, string source) =>
        FromParagraph(SignedControlFile.Parse(bytes, source).Paragraph, source);

    public static ReleaseFile Load(string path) => Parse(File.ReadAllBytes(path), path);
}
