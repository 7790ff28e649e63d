using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Files;

/// <summary>
/// A successful build's results: checked as the upload's (<see cref="ResultOwnership"/>) before the
/// success is recorded; the stage fetches them when the upload offers them (issue 12).
/// </summary>
public sealed class ResultHandoff(IOptions<AutobuilderOptions> options, SiloIdentity identity) : IResultHandoff
{
    public string Host => identity.HostName;

    public Task<IReadOnlyList<string>> CheckAsync(string resultsFolder, BuildOrigin origin, CancellationToken ct = default) =>
        Task.Run(() => Check(resultsFolder, origin), ct);

    private IReadOnlyList<string> Check(string resultsFolder, BuildOrigin origin) =>
        ResultOwnership.Check(resultsFolder, origin, options.Value.BinNmuProducts.Contains(origin.Product, StringComparer.Ordinal));

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
