using Autobuilder.Debian.Checksums;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Storage;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Files;

/// <summary>
/// Copies a successful build's packages into the repository queue, once, and only when every file
/// belongs to the upload (<see cref="ResultOwnership"/>).
/// </summary>
public sealed class ResultHandoff(DataPaths paths, IOptions<AutobuilderOptions> options, Cluster.SiloIdentity identity) : IResultHandoff
{
    public string Host => identity.HostName;

    // The stage side takes a .changes as the sign that its files are complete: it goes last.
    private static readonly string[] PackageFirst = [".deb", ".udeb", ".ddeb", ".buildinfo", ".changes"];

    public Task<IReadOnlyList<string>> CheckAsync(string resultsFolder, BuildOrigin origin, CancellationToken ct = default) =>
        Task.Run(() => Check(resultsFolder, origin), ct);

    private IReadOnlyList<string> Check(string resultsFolder, BuildOrigin origin) =>
        ResultOwnership.Check(resultsFolder, origin, options.Value.BinNmuProducts.Contains(origin.Product, StringComparer.Ordinal));

    public Task<IReadOnlyList<string>> HandOffAsync(string resultsFolder, BuildOrigin origin, string repository, CancellationToken ct = default) =>
        Task.Run<IReadOnlyList<string>>(() =>
        {
            // Checked again here, right before copying: nothing of results that fail goes to the queue.
            if (Check(resultsFolder, origin) is { Count: > 0 } problems)
                throw new InvalidDataException($"results of {origin.Source} {origin.Version} {origin.Architecture} not handed off: {string.Join("; ", problems)}");
            var product = origin.Product;
            var target = paths.RepoIncoming(repository, product);
            Directory.CreateDirectory(target);
            var files = Directory.EnumerateFiles(resultsFolder)
                .Where(f => Array.IndexOf(PackageFirst, Path.GetExtension(f)) >= 0)
                .OrderBy(f => Array.IndexOf(PackageFirst, Path.GetExtension(f)))
                .ThenBy(f => f, StringComparer.Ordinal)
                .ToList();
            var copied = new List<string>();
            foreach (var file in files)
            {
                var destination = Path.Combine(target, Path.GetFileName(file));
                copied.Add(destination);
                if (SameContent(file, destination))
                    continue;
                CopyAtomically(file, destination);
            }
            DurableFile.SyncDirectory(target);
            return copied;
        }, ct);

    // A log may be up to the log limit (100 MiB by default) and one line may be most of it: the
    // tail is read from the end, bounded, and each quoted line cut.
    private const int TailBytes = 256 * 1024;
    private const int TailLineChars = 2000;

    public async Task<string> LogTailAsync(string logPath, int lines, CancellationToken ct = default)
    {
        if (!File.Exists(logPath))
            return "";
        await using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, useAsync: true);
        var skipped = stream.Length > TailBytes;
        if (skipped)
            stream.Seek(-TailBytes, SeekOrigin.End);
        var buffer = new byte[Math.Min(stream.Length, TailBytes)];
        await stream.ReadExactlyAsync(buffer, ct);
        var text = System.Text.Encoding.UTF8.GetString(buffer);
        var all = text.Split('\n');
        // The first line of a window that starts mid-file is a fragment; a final newline leaves an empty last entry.
        var whole = all.Skip(skipped ? 1 : 0).Take(all.Length - (skipped ? 1 : 0) - (text.EndsWith('\n') ? 1 : 0));
        var tail = whole.TakeLast(lines)
            .Select(l => l.Length > TailLineChars ? l[..TailLineChars] + $" [line cut at {TailLineChars} characters]" : l.TrimEnd('\r'));
        return string.Join("\n", tail);
    }

    private static bool SameContent(string a, string b)
    {
        var info = new FileInfo(b);
        return info.Exists && info.Length == new FileInfo(a).Length && ChecksumSet.ComputeFile(a).Sha256 == ChecksumSet.ComputeFile(b).Sha256;
    }

    /// <summary>Copies to a hidden temporary name in the target folder, then renames: readers never see half a file.</summary>
    internal static void CopyAtomically(string source, string destination)
    {
        var temp = Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var input = RegularFile.OpenRead(source))
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
            }
            File.Move(temp, destination, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
