using System.Runtime.InteropServices;
using Autobuilder.Debian.Checksums;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// The by-hash copies of index files (Debian wiki RepositoryFormat, "indices acquisition via
/// hashsums (by-hash)"): with "Acquire-By-Hash: yes" in Release, apt fetches
/// main/binary-amd64/Packages.xz as main/binary-amd64/by-hash/SHA256/&lt;sha256&gt;, using the
/// strongest hash Release lists (SHA256 here). Those names never change content, so a client
/// holding the previous Release can still fetch its indexes while the suite is being replaced.
/// </summary>
public static partial class ByHash
{
    public const string HashFolder = "SHA256";

    /// <summary>"main/binary-amd64/by-hash/SHA256/&lt;sum&gt;" for "main/binary-amd64/Packages.xz".</summary>
    public static string PathFor(FileEntry entry)
    {
        var sum = entry.Sha256 ?? throw new ArgumentException($"{entry.Name} has no SHA256 sum", nameof(entry));
        var slash = entry.Name.LastIndexOf('/');
        var folder = slash < 0 ? "" : entry.Name[..(slash + 1)];
        return $"{folder}by-hash/{HashFolder}/{sum}";
    }

    /// <summary>
    /// Creates the by-hash name of each entry whose file exists below the suite folder (an
    /// uncompressed index that is not kept has none), as a hard link where the file system allows
    /// it and a copy otherwise. Existing names are left alone: same name, same content.
    /// </summary>
    /// <returns>The by-hash paths (relative to the suite folder) that exist afterwards.</returns>
    public static IReadOnlyList<string> Publish(string suiteDirectory, IEnumerable<FileEntry> entries)
    {
        var created = new List<string>();
        foreach (var entry in entries)
        {
            var source = IndexFiles.Resolve(suiteDirectory, entry.Name);
            if (!File.Exists(source))
                continue;
            var relative = PathFor(entry);
            var target = IndexFiles.Resolve(suiteDirectory, relative);
            if (!File.Exists(target))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{entry.Sha256}.new-{Guid.NewGuid():N}");
                try
                {
                    if (Link(source, temp) != 0)
                        File.Copy(source, temp);
                    File.Move(temp, target, overwrite: true);
                }
                finally
                {
                    File.Delete(temp);
                }
            }
            created.Add(relative);
        }
        return created;
    }

    // .NET has no hard-link API; link(2) is the one system call this needs. Failure (another file
    // system, a file system without links) falls back to a copy.
    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);
}
