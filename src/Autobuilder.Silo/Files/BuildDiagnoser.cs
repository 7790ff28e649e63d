using System.Text;
using Autobuilder.Debian.BuildLogs;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Files;

/// <summary>
/// Reads a failed build's log and the last good build's log (each only its last
/// <see cref="ScanBytes"/>, through <see cref="RegularFile"/>: a log may be 100 MiB, and nothing
/// here follows a link) and says what went wrong: <see cref="BuildLogErrors"/> and
/// <see cref="BuildLogDiff"/> over <see cref="BuildLogNormaliser"/>'s lines.
/// </summary>
public sealed class BuildDiagnoser(DataPaths paths, IOptions<AutobuilderOptions> options) : IBuildDiagnosis
{
    /// <summary>The end of a log that is read: a build stops at its first failure, so its errors are near the end.</summary>
    public const int ScanBytes = 8 * 1024 * 1024;

    /// <summary>Characters of one log line read; the rest of a longer line is dropped.</summary>
    public const int MaxLineChars = 4096;

    /// <summary>Error lines kept, and the characters of each.</summary>
    public const int MaxErrorLines = 20, MaxErrorLineChars = 240;

    /// <summary>Lines of diff kept.</summary>
    public const int MaxDiffLines = 60;

    /// <summary>The region diffed: from this many lines before the first error line …</summary>
    private const int Before = 15;

    /// <summary>… to this many after the last one, when the errors lie close together (else after the first).</summary>
    private const int After = 5, Spread = 200, AfterFirst = 40;

    public async Task<BuildDiagnosis?> DiagnoseAsync(string logPath, GoodBuildLog? lastGood, DiagnosisContext context, CancellationToken ct = default)
    {
        if (RegularFile.Problem(logPath) is not null)
            return null;
        var (failing, failingFirst) = await ReadTailAsync(logPath, ct);
        var errors = BuildLogErrors.Extract(failing, failingFirst, MaxErrorLines, MaxErrorLineChars);
        var lines = errors.Lines.Select(l => l.ToString()).ToList();
        string? diff = null;
        string? note = errors.Lines.Count == 0 ? "No error line was recognised in the log; its last lines are below." : null;
        if (lastGood is not null)
        {
            if (RegularFile.Problem(lastGood.LogPath) is not null)
            {
                note = Join(note, $"The log of the last good build ({lastGood.UploadId}) is no longer kept: no diff against it.");
            }
            else
            {
                var (good, goodFirst) = await ReadTailAsync(lastGood.LogPath, ct);
                var (start, end) = Region(errors, failingFirst, failing.Count);
                var (literals, roots) = OwnFolders();
                var normalFailing = new BuildLogNormaliser(context.Source, context.Version, literals, roots);
                var normalGood = new BuildLogNormaliser(context.Source, lastGood.Version, literals, roots);
                diff = BuildLogDiff.Around(good.Select(normalGood.Normalise).ToList(), goodFirst,
                    failing.Select(normalFailing.Normalise).ToList(), failingFirst, start, end,
                    $"{lastGood.UploadId} (last good build, version {lastGood.Version})", $"this build (version {context.Version})",
                    MaxDiffLines, MaxErrorLineChars);
                if (diff is null)
                    note = Join(note, $"The failing region has no counterpart in the log of the last good build ({lastGood.UploadId}), or does not differ from it.");
            }
        }
        return new BuildDiagnosis(lines, errors.Omitted, diff, diff is null ? null : lastGood!.UploadId, note);
    }

    private static string Join(string? a, string b) => a is null ? b : $"{a} {b}";

    /// <summary>Indexes into the lines read: around the errors, or the last lines when none was recognised.</summary>
    private static (int Start, int End) Region(BuildLogErrorList errors, long firstNumber, int count)
    {
        if (errors.Lines.Count == 0)
            return (count - 1 - Before, count - 1);
        var first = (int)(errors.Lines[0].Number - firstNumber);
        var last = (int)(errors.Lines[^1].Number - firstNumber);
        return (first - Before, last - first <= Spread ? last + After : first + AfterFirst);
    }

    /// <summary>
    /// The silo's own folders: host mode builds in BuildRoot/&lt;user&gt;/&lt;build&gt;.&lt;attempt&gt;,
    /// chroot mode in work/&lt;slot&gt;/&lt;build&gt;.&lt;attempt&gt;; both read as &lt;build&gt;, and the data root as &lt;data&gt;.
    /// </summary>
    private (List<(string, string)> Literals, List<string> BuildRoots) OwnFolders() =>
        ([(paths.Root, "<data>")], [options.Value.BuildRoot, paths.Work]);

    /// <summary>
    /// The last <see cref="ScanBytes"/> of a log as lines, and the number of the first of them: the
    /// part before is only counted (newlines, a megabyte at a time), never kept.
    /// </summary>
    private static async Task<(List<string> Lines, long FirstNumber)> ReadTailAsync(string path, CancellationToken ct)
    {
        await using var stream = RegularFile.OpenRead(path);
        var length = stream.Length;
        var skip = Math.Max(0, length - ScanBytes);
        long newlines = 0;
        var buffer = new byte[1024 * 1024];
        long done = 0;
        while (done < skip)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, skip - done)), ct);
            if (read == 0)
                break;
            newlines += buffer.AsSpan(0, read).Count((byte)'\n');
            done += read;
        }
        var tail = new byte[length - done];
        var got = await stream.ReadAtLeastAsync(tail, tail.Length, throwOnEndOfStream: false, ct);
        var text = Encoding.UTF8.GetString(tail, 0, got);
        var all = text.Split('\n');
        // A window that starts inside a line begins with a fragment: it belongs to the line counted last.
        var startsMidLine = skip > 0 && done > 0 && !EndsWithNewline(stream, done);
        var lines = all.Skip(startsMidLine ? 1 : 0).Take(all.Length - (startsMidLine ? 1 : 0) - (text.EndsWith('\n') ? 1 : 0))
            .Select(l => l.Length > MaxLineChars ? l[..MaxLineChars] : l).ToList();
        return (lines, newlines + 1 + (startsMidLine ? 1 : 0));
    }

    private static bool EndsWithNewline(FileStream stream, long offset)
    {
        var one = new byte[1];
        return RandomAccess.Read(stream.SafeFileHandle, one, offset - 1) == 1 && one[0] == (byte)'\n';
    }
}
