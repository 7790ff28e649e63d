using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The files of one host's data root (key: the host name, as its silos announce it), reached
/// through grain calls: how sources go garage → builder, results builder → garage and packages
/// garage → stage when the hosts share no disk. Placed on a silo of that host. Absolute paths
/// must lie under the host's data root; relative paths are taken from it. Writes go to the name
/// given and become visible by <see cref="CommitAsync"/>, a rename.
/// </summary>
public interface IHostFilesGrain : IGrainWithStringKey
{
    /// <summary>The files (not folders) in <paramref name="folder"/>; empty when it does not exist.</summary>
    [SiloOnly]
    Task<IReadOnlyList<HostFile>> ListAsync(string folder);

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="offset"/>; fewer at the end of the file.</summary>
    [SiloOnly]
    Task<byte[]> ReadAsync(string path, long offset, int count);

    /// <summary>Like <see cref="ReadAsync"/> for a path relative to the data root; null when the file does not exist.</summary>
    [SiloOnly]
    Task<byte[]?> ReadRelativeAsync(string relativePath, long offset, int count);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> (0 creates or truncates the file).</summary>
    [SiloOnly]
    Task WriteAsync(string relativePath, long offset, byte[] data);

    /// <summary>Appends to a file (created if needed): a live log.</summary>
    [SiloOnly]
    Task AppendAsync(string relativePath, byte[] data);

    /// <summary>Renames a file or folder onto <paramref name="relativeTo"/>, replacing it, durably; returns its absolute path.</summary>
    [SiloOnly]
    Task<string> CommitAsync(string relativeFrom, string relativeTo);

    /// <summary>Removes a file or a folder with its contents, if it exists.</summary>
    [SiloOnly]
    Task DeleteAsync(string relativePath);
}
