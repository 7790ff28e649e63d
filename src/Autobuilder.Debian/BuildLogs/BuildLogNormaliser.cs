using System.Text.RegularExpressions;

namespace Autobuilder.Debian.BuildLogs;

/// <summary>
/// Rewrites the parts of a build log line that differ between two builds of the same source
/// without meaning anything (times and dates, durations, temporary and build folders, build ids
/// and other long hex strings, the version being built), so that a diff of two logs shows only
/// what changed. One normaliser per log: each knows its own version and folders.
/// </summary>
public sealed partial class BuildLogNormaliser
{
    private readonly (string Literal, string Placeholder)[] _literals;
    private readonly Regex? _sourceTree;
    private readonly Regex[] _buildFolders;

    /// <param name="source">The source package's name: the folder it unpacks into ("NAME-UPSTREAM") marks where a build path ends.</param>
    /// <param name="version">The version built: it and its upstream part read as &lt;version&gt; and &lt;upstream&gt;.</param>
    /// <param name="literals">More volatile text and what to write instead.</param>
    /// <param name="buildRoots">Folders holding one folder per builder and in it one per build
    /// (ROOT/&lt;user or slot&gt;/&lt;build&gt;.&lt;attempt&gt;): such a build's folder reads as &lt;build&gt;,
    /// whichever slot ran it.</param>
    public BuildLogNormaliser(string source, string version, IEnumerable<(string Literal, string Placeholder)>? literals = null,
        IEnumerable<string>? buildRoots = null)
    {
        _buildFolders = [.. (buildRoots ?? []).Where(r => r.Length > 1).Select(r =>
            new Regex(Regex.Escape(r.TrimEnd('/')) + @"/[^\s/'""`]+/[^\s/'""`]+", RegexOptions.CultureInvariant))];
        var all = new List<(string, string)>(literals ?? []);
        if (version.Length > 0)
        {
            all.Add((version, "<version>"));
            var noEpoch = version.Contains(':') ? version[(version.IndexOf(':') + 1)..] : version;
            if (noEpoch != version)
                all.Add((noEpoch, "<version>"));
            var dash = noEpoch.LastIndexOf('-');
            if (dash > 0)
                all.Add((noEpoch[..dash], "<upstream>"));
        }
        // Longest first, so a version is replaced before its upstream part.
        _literals = [.. all.Where(l => l.Item1.Length >= 2).OrderByDescending(l => l.Item1.Length)];
        if (source.Length > 0)
            _sourceTree = new Regex(@"(?:/[^\s/'""`:]+)+/(?=" + Regex.Escape(source) + "-)", RegexOptions.CultureInvariant);
    }

    public string Normalise(string line)
    {
        foreach (var folder in _buildFolders)
            line = folder.Replace(line, "<build>");
        foreach (var (literal, placeholder) in _literals)
            line = line.Replace(literal, placeholder, StringComparison.Ordinal);
        if (_sourceTree is not null)
            line = _sourceTree.Replace(line, "<build>/");
        line = Rfc2822Date().Replace(line, "<date>");
        line = IsoTime().Replace(line, "<time>");
        line = ClockTime().Replace(line, "<time>");
        line = IsoDate().Replace(line, "<date>");
        line = Duration().Replace(line, "<duration>");
        line = TemporaryPath().Replace(line, "<tmp>");
        line = LongHex().Replace(line, "<hex>");
        return line.TrimEnd('\r', ' ', '\t');
    }

    [GeneratedRegex(@"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc2822Date();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex ClockTime();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\b\d+(?:\.\d+)?(?:m\d+(?:\.\d+)?)? ?(?:ms|s|sec|secs|seconds|min|minutes)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();

    [GeneratedRegex(@"/(?:var/)?tmp/[^\s'""`:]+", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryPath();

    [GeneratedRegex(@"\b[0-9a-f]{12,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex LongHex();
}
