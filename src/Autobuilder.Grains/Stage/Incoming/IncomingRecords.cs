using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Indices;
using Autobuilder.Grains.Stage.Pool;

namespace Autobuilder.Grains.Stage.Incoming;

/// <summary>
/// Turns an accepted .changes into the package records a distribution keeps and the pool places of
/// its files. The stanzas are made here, once, from the control paragraphs and the sums the
/// .changes lists (already checked against the files): nothing is read or hashed again later.
/// </summary>
public static class IncomingRecords
{
    public static (IReadOnlyList<PackageRecord> Records, IReadOnlyList<PoolPlacement> Placements) Build(
        ChangesInspection changes, RepositoryConfig repository, DateTimeOffset now)
    {
        var source = changes.Source ?? throw new ArgumentException("an accepted .changes has a Source", nameof(changes));
        var placements = new List<PoolPlacement>();
        var pathOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in changes.Files)
        {
            var path = $"{PoolLayout.Folder(PoolLayout.Component(file.Section, repository), source)}/{file.Name}";
            pathOf[file.Name] = path;
            placements.Add(new PoolPlacement(file.Name, path, file.Sha256!));
        }

        // Files that are neither a .deb nor part of the source (a .buildinfo) go with every binary of
        // the upload: referenced while any of them is, so clean-up, promotion and live follow them.
        var ownedElsewhere = changes.Binaries.Select(b => b.File.Name)
            .Concat(changes.SourcePackage is { } s ? s.Dsc.Files.Select(f => f.Name).Append(s.DscEntry.Name) : [])
            .ToHashSet(StringComparer.Ordinal);
        var companions = changes.Files.Where(f => !ownedElsewhere.Contains(f.Name))
            .Select(f => new PoolFile(pathOf[f.Name], f.Size, f.Sha256!)).ToList();

        var records = new List<PackageRecord>();
        foreach (var b in changes.Binaries)
        {
            var path = pathOf[b.File.Name];
            var entry = PackagesEntry.FromControl(b.Control, path, Sums(b.File));
            records.Add(new PackageRecord(entry.Package, entry.Version, entry.Architecture, PoolLayout.Component(b.File.Section, repository),
                entry.Source, entry.SourceVersion, [new PoolFile(path, b.File.Size, b.File.Sha256!), .. companions], entry.Paragraph.ToString(), now));
        }
        if (changes.SourcePackage is { } src)
        {
            var component = PoolLayout.Component(src.DscEntry.Section, repository);
            var folder = PoolLayout.Folder(component, source);
            var entry = SourcesEntry.FromDsc(src.Dsc, folder, Sums(src.DscEntry), src.DscEntry.Name);
            var files = new[] { src.DscEntry }.Concat(src.Dsc.Files)
                .Select(f => new PoolFile($"{folder}/{f.Name}", f.Size, f.Sha256 ?? ""))
                .Concat(changes.Binaries.Count == 0 ? companions : [])
                .ToList();
            records.Add(new PackageRecord(src.Dsc.Source, src.Dsc.Version, PackageRecord.SourceArchitecture, component,
                src.Dsc.Source, src.Dsc.Version, files, entry.Paragraph.ToString(), now));
        }
        return (records, placements);
    }

    private static ChecksumSet Sums(FileEntry f) =>
        new(f.Size, f.Md5 ?? throw Missing(f, "MD5"), f.Sha1 ?? throw Missing(f, "SHA-1"), f.Sha256 ?? throw Missing(f, "SHA-256"));

    private static ArgumentException Missing(FileEntry f, string sum) => new($"{f.Name} has no {sum} sum in the .changes");
}
