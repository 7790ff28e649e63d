using Autobuilder.Debian.Checksums;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// An index as <see cref="BlockIndex.Build"/> left it: the Release entries of the uncompressed file
/// and of each compressed variant, and a way to write any of them. Valid until the index changes
/// again; writing it afterwards throws rather than write a file that no longer matches its entry.
/// </summary>
public sealed class IndexImage
{
    private readonly Action<string, Stream> _write;

    internal IndexImage(string name, IReadOnlyList<FileEntry> entries, Action<string, Stream> write)
    {
        Name = name;
        Entries = entries;
        _write = write;
    }

    /// <summary>The index's path below dists/&lt;suite&gt;/: "main/binary-amd64/Packages".</summary>
    public string Name { get; }

    /// <summary>For Release: the uncompressed file first (listed even when it is not written), then ".gz" and ".xz" as configured.</summary>
    public IReadOnlyList<FileEntry> Entries { get; }

    /// <summary>Writes the variant named <paramref name="entryName"/> (one of <see cref="Entries"/>' names).</summary>
    public void WriteTo(string entryName, Stream stream) => _write(entryName, stream);
}
