using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Autobuilder.Acceptance;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Qa;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Qa;

/// <summary>
/// Installability with dose3's dose-debcheck (Debian's package dose-distcheck), the tool Debian's
/// britney and our chroot builds' dep-wait already trust. Per architecture: the candidates' stanzas
/// are read from the lower repository's published Packages index (the generation live), the
/// background is the target's (and InstallableWith's) published indices plus the product's base
/// (Autobuilder:Qa:BaseIndices; apt's .lz4 lists are decompressed with apt-helper, once per version), and one
/// <c>dose-debcheck --explain --failures</c> run names each broken binary and why. The verdicts
/// are kept until what dose reads changes (issue 15's speed: excuses of 5,000 candidates read
/// often, recomputed once per publish).
/// </summary>
public sealed partial class DoseInstallabilityChecker(IOptions<AutobuilderOptions> options, IDoseRunner runner) : IInstallabilityChecker, IDisposable
{
    private const string Dose = DoseRunner.Program;

    // Per lower repository ("extras-testing/bookworm"): what dose-debcheck said of its candidates
    // for the indices as they were when it ran.
    private readonly ConcurrentDictionary<string, Judged> _judged = new(StringComparer.Ordinal);

    // apt's compressed lists decompressed, per version of the file (its path, size and time).
    private readonly SemaphoreSlim _baseGate = new(1, 1);
    private readonly Dictionary<string, string> _plainBase = new(StringComparer.Ordinal);
    private QaTool.TempFolder? _baseFolder;

    /// <summary>
    /// The verdicts on the candidates of one lower repository under one <see cref="Stamp"/>. Each
    /// candidate is judged alone (see <see cref="WriteCandidatesAsync"/>), so a verdict holds
    /// whatever other candidates a later query names: only candidates not judged yet run dose again.
    /// </summary>
    private sealed class Judged
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string Stamp { get; private set; } = "";

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Unread { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, IReadOnlyList<Uninstallable>> Broken { get; } = new(StringComparer.Ordinal);

        public void Reset(string stamp)
        {
            Stamp = stamp;
            Keys.Clear();
            Unread.Clear();
            Broken.Clear();
        }
    }

    /// <summary>
    /// The verdicts, from the cache while the indices dose reads are the same ones (the live
    /// generations of the lower repository and the background, the base files); dose-debcheck
    /// runs, once for all of them, only for candidates not judged on those indices yet. A read of
    /// the excuses thus costs no dose run until a publish (or an apt update of the base) changes
    /// what it would read.
    /// </summary>
    public async Task<InstallabilityReport> CheckAsync(InstallabilityQuery query, CancellationToken cancellationToken = default)
    {
        var wanted = query.Candidates.Select(c => InstallabilityReport.Key(c.Source, c.Version)).ToHashSet(StringComparer.Ordinal);
        if (query.Architectures.FirstOrDefault(a => !Plain(a)) is { } bad)
            return Failed($"'{bad}' is not an architecture name");
        string stamp;
        try
        {
            stamp = Stamp(query);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(ex.Message);
        }
        var judged = _judged.GetOrAdd(query.From.Name, _ => new Judged());
        await judged.Gate.WaitAsync(cancellationToken);
        try
        {
            if (judged.Stamp != stamp)
                judged.Reset(stamp);
            var missing = wanted.Where(k => !judged.Keys.Contains(k)).ToHashSet(StringComparer.Ordinal);
            if (missing.Count > 0)
            {
                var run = await RunAsync(query, missing, cancellationToken);
                if (run.Failure is not null)
                    return run;
                judged.Keys.UnionWith(missing);
                judged.Unread.UnionWith(run.Unread ?? []);
                foreach (var (key, list) in run.Broken)
                    judged.Broken[key] = list;
            }
            return new InstallabilityReport(
                wanted.Where(judged.Broken.ContainsKey).ToDictionary(k => k, k => judged.Broken[k], StringComparer.Ordinal),
                null, [.. wanted.Where(judged.Unread.Contains)]);
        }
        finally
        {
            judged.Gate.Release();
        }
    }

    /// <summary>
    /// What dose would read, as a string that changes when any of it does: the generation folder
    /// each tree's dists/&lt;product&gt; link serves and each index file's size and time, and every
    /// base file's. Published generations are never rewritten, so the folder alone names the content;
    /// the sizes and times cover trees published without the link and apt's updates of the base.
    /// </summary>
    private string Stamp(InstallabilityQuery query)
    {
        var b = new StringBuilder();
        b.AppendJoin(',', query.Architectures).Append('\n');
        foreach (var tree in query.Background.Prepend(query.From))
        {
            var dists = Path.Combine(tree.LivePath, "dists", tree.Product);
            b.Append(tree.Name).Append(" → ").Append(Directory.Exists(dists) ? new DirectoryInfo(dists).LinkTarget : "(none)").Append('\n');
            foreach (var index in query.Architectures.SelectMany(arch => Indices(tree, arch)))
                AppendFile(b, index);
        }
        foreach (var file in query.Architectures.SelectMany(arch => BaseFiles(query.From.Product, arch)))
            AppendFile(b, file);
        return b.ToString();
    }

    private static void AppendFile(StringBuilder b, string path)
    {
        var file = new FileInfo(path);
        b.Append(path).Append(' ').Append(file.Exists ? file.Length : -1).Append(' ').Append(file.Exists ? file.LastWriteTimeUtc.Ticks : 0).Append('\n');
    }

    /// <summary>One dose-debcheck run per architecture for the <paramref name="wanted"/> candidates, its report read line by line as dose writes it.</summary>
    private async Task<InstallabilityReport> RunAsync(InstallabilityQuery query, HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var qa = options.Value.Qa;
        var timeout = TimeSpan.FromSeconds(qa.ToolTimeoutSeconds);
        var broken = new Dictionary<string, List<Uninstallable>>(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        using var temp = QaTool.Temp("ab-qa-dose-");
        try
        {
            foreach (var arch in query.Architectures)
            {
                var fg = Path.Combine(temp.Path, $"fg-{arch}");
                var owners = await WriteCandidatesAsync(query.From, arch, wanted, fg, cancellationToken);
                found.UnionWith(owners.Values.Select(o => o.Key));
                if (owners.Count == 0)
                    continue;
                var args = new List<string> { $"--deb-native-arch={arch}", "--explain", "--failures", $"--fg={fg}" };
                List<string> background = [.. query.Background.SelectMany(b => Indices(b, arch)), .. await BaseAsync(query.From.Product, arch, timeout, cancellationToken)];
                // Only what the candidates can reach, as plain text: dose parses thousands of stanzas, not
                // the whole base and target, and never a .gz itself (it reads only the first gzip member,
                // and our publisher compresses a big index in many).
                var reachable = Path.Combine(temp.Path, $"bg-{arch}");
                await Task.Run(() => DoseBackground.Write(fg, background, reachable, cancellationToken), cancellationToken);
                args.Add($"--bg={reachable}");
                var report = new DoseReportReader();
                var run = await runner.RunAsync(args, temp.Path, timeout, report.Line, cancellationToken);
                if (run.TimedOut)
                    return Failed($"{Dose} took longer than {timeout.TotalSeconds:0} s (Autobuilder:Qa:ToolTimeoutSeconds)");
                // 0: all installable, 1: some are not; anything else is dose's own failure.
                if (run.ExitCode is not (0 or 1))
                    return Failed($"{Dose} ended with status {run.ExitCode}: {run.Tail}");
                foreach (var item in report.Finish())
                {
                    if (!owners.TryGetValue((item.Package, item.Version, item.Architecture), out var owner))
                        continue;
                    if (!broken.TryGetValue(owner.Key, out var list))
                        broken[owner.Key] = list = [];
                    list.Add(item with { Package = owner.Package, Reasons = [.. item.Reasons.Select(r => Isolated().Replace(r, ""))] });
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidDataException)
        {
            return Failed(ex.Message);
        }
        return new InstallabilityReport(broken.ToDictionary(p => p.Key, p => (IReadOnlyList<Uninstallable>)p.Value), null, [.. wanted.Except(found)]);
    }

    private static InstallabilityReport Failed(string why) => new(new Dictionary<string, IReadOnlyList<Uninstallable>>(), why);

    /// <summary>
    /// Writes the stanzas of the candidates' binaries for <paramref name="arch"/> (and all) into
    /// <paramref name="target"/>, each source's binaries renamed with a suffix of its own (and its
    /// relations to its own binaries and Provides with them), so that one dose-debcheck run judges
    /// every candidate against the background and its own source only: a candidate cannot make
    /// another installable while both wait (a package moves after what it needs). Returns whose
    /// each renamed binary is, and its real name.
    /// </summary>
    private static async Task<Dictionary<(string, string, string), (string Key, string Package)>> WriteCandidatesAsync(PublishedIndices from, string arch,
        HashSet<string> wanted, string target, CancellationToken cancellationToken)
    {
        var stanzas = new List<(string Key, Dictionary<string, string> Fields, List<string> Lines)>();
        foreach (var index in Indices(from, arch))
        {
            using var reader = new StreamReader(Open(index), Encoding.UTF8);
            var lines = new List<string>();
            while (true)
            {
                var line = await reader.ReadLineAsync(cancellationToken);
                if (line is null || line.Length == 0)
                {
                    if (lines.Count > 0)
                    {
                        var fields = Fields(lines);
                        var package = fields.GetValueOrDefault("Package") ?? "";
                        var version = fields.GetValueOrDefault("Version") ?? "";
                        var (source, sourceVersion) = SourceOf(fields.GetValueOrDefault("Source"), package, version);
                        var key = InstallabilityReport.Key(source, sourceVersion);
                        if (wanted.Contains(key))
                            stanzas.Add((key, fields, lines));
                        lines = [];
                    }
                    if (line is null)
                        break;
                    continue;
                }
                lines.Add(line);
            }
        }

        var suffixes = stanzas.Select(s => s.Key).Distinct().Select((k, i) => (k, i)).ToDictionary(p => p.k, p => $"{IsolationMark}{p.i}");
        var ownNames = stanzas.GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g
            .SelectMany(s => new[] { s.Fields.GetValueOrDefault("Package") ?? "" }.Concat(Names(s.Fields.GetValueOrDefault("Provides") ?? "")))
            .ToHashSet(StringComparer.Ordinal));
        var owners = new Dictionary<(string, string, string), (string, string)>();
        await using var output = new StreamWriter(target, append: false, new UTF8Encoding(false));
        foreach (var (key, fields, lines) in stanzas)
        {
            var suffix = suffixes[key];
            var own = ownNames[key];
            foreach (var line in lines)
            {
                var colon = line.IndexOf(':');
                var name = colon > 0 && line[0] is not (' ' or '\t') ? line[..colon] : "";
                await output.WriteAsync(name switch
                {
                    "Package" or "Provides" or "Depends" or "Pre-Depends" => $"{name}: {Rename(line[(colon + 1)..].Trim(), own, suffix)}\n",
                    _ => line + "\n",
                });
            }
            await output.WriteAsync('\n');
            var package = fields.GetValueOrDefault("Package") ?? "";
            owners[(package + suffix, fields.GetValueOrDefault("Version") ?? "", fields.GetValueOrDefault("Architecture") ?? "")] = (key, package);
        }
        return owners;
    }

    /// <summary>The mark on renamed candidate binaries; taken out of dose's reasons again.</summary>
    public const string IsolationMark = "--qa-candidate";

    /// <summary>Renames, in a relation field, every name that is one of the source's own binaries or Provides.</summary>
    private static string Rename(string value, HashSet<string> own, string suffix) =>
        RelationName().Replace(value, m => own.Contains(m.Groups[2].Value) ? m.Groups[1].Value + m.Groups[2].Value + suffix : m.Value);

    private static IEnumerable<string> Names(string relations) =>
        RelationName().Matches(relations).Select(m => m.Groups[2].Value);

    // A package name at the start of a relation atom: after the field start, a comma or a bar.
    [GeneratedRegex(@"(^\s*|[,|]\s*)([a-z0-9][a-z0-9+.-]*)")]
    private static partial Regex RelationName();

    private static Dictionary<string, string> Fields(List<string> lines)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] is ' ' or '\t')
                continue;
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon] is "Package" or "Version" or "Source" or "Architecture" or "Provides")
                fields[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return fields;
    }

    /// <summary>Policy §5.6.1: "Source: name (version)" when the source's version differs; the package's own name and version when absent.</summary>
    private static (string Source, string Version) SourceOf(string? field, string package, string version)
    {
        if (field is not { Length: > 0 })
            return (package, version);
        var open = field.IndexOf('(');
        return open < 0 ? (field.Trim(), version) : (field[..open].Trim(), field[(open + 1)..].TrimEnd(')', ' '));
    }

    /// <summary>The Packages file of each component for <paramref name="arch"/> in a published tree: .gz first (read here, never by dose), else the plain or .xz one (refused when read).</summary>
    private static IEnumerable<string> Indices(PublishedIndices tree, string arch)
    {
        foreach (var component in tree.Components.Where(Plain))
        {
            var stem = Path.Combine(tree.LivePath, "dists", tree.Product, component, $"binary-{arch}", "Packages");
            var found = new[] { stem + ".gz", stem, stem + ".xz" }.FirstOrDefault(File.Exists);
            if (found is not null)
                yield return found;
        }
    }

    private static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (path.EndsWith(".gz", StringComparison.Ordinal))
            return new GZipStream(file, CompressionMode.Decompress);
        if (path.EndsWith(".xz", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: only .gz or plain indices are read here (publish .gz: IndexCompressions)");
        return file;
    }

    /// <summary>The base's Packages files for the product and architecture as configured (globs expanded; apt's pdiff indices left out).</summary>
    private IEnumerable<string> BaseFiles(string product, string arch)
    {
        if (!options.Value.Qa.BaseIndices.TryGetValue(product, out var patterns))
            yield break;
        foreach (var pattern in patterns.Select(p => p.Replace("{arch}", arch, StringComparison.Ordinal)))
        {
            var folder = Path.GetDirectoryName(pattern) ?? "/";
            var name = Path.GetFileName(pattern);
            var matches = name.IndexOfAny(['*', '?']) >= 0
                ? (Directory.Exists(folder) ? Directory.GetFiles(folder, name).Order(StringComparer.Ordinal).ToArray() : [])
                : File.Exists(pattern) ? [pattern] : [];
            // apt keeps pdiff indices beside the lists ("…_Packages.diff_Index"): not Packages files.
            foreach (var file in matches.Where(f => !Path.GetFileName(f).Contains(".diff", StringComparison.Ordinal)))
                yield return file;
        }
    }

    /// <summary>The base's Packages files for dose: .lz4, .zst and .bz2 (apt's lists) as plain copies (see <see cref="PlainAsync"/>).</summary>
    private async Task<List<string>> BaseAsync(string product, string arch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var file in BaseFiles(product, arch))
        {
            var compressed = file.EndsWith(".lz4", StringComparison.Ordinal) || file.EndsWith(".zst", StringComparison.Ordinal) || file.EndsWith(".bz2", StringComparison.Ordinal);
            files.Add(compressed ? await PlainAsync(file, timeout, cancellationToken) : file);
        }
        return files;
    }

    /// <summary>
    /// A plain copy of an apt list, made with apt-helper once per version of the file and kept for
    /// the next runs (decompressing bookworm's lists costs more than a tenth of a second each time).
    /// </summary>
    private async Task<string> PlainAsync(string file, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new FileInfo(file);
        var key = $"{file} {info.Length} {info.LastWriteTimeUtc.Ticks}";
        await _baseGate.WaitAsync(cancellationToken);
        try
        {
            if (_plainBase.TryGetValue(key, out var kept) && File.Exists(kept))
                return kept;
            _baseFolder ??= QaTool.Temp("ab-qa-base-");
            foreach (var old in _plainBase.Where(p => p.Key.StartsWith(file + " ", StringComparison.Ordinal)).ToList())
            {
                File.Delete(old.Value);
                _plainBase.Remove(old.Key);
            }
            var plain = Path.Combine(_baseFolder.Path, $"{Guid.NewGuid():N}-{Path.GetFileName(file)}.plain");
            var run = await QaTool.RunAsync("/usr/lib/apt/apt-helper", ["cat-file", file], _baseFolder.Path, timeout, plain, cancellationToken);
            if (run.ExitCode != 0)
            {
                File.Delete(plain);
                throw new IOException($"apt-helper cat-file {file} failed: {run.Tail}");
            }
            _plainBase[key] = plain;
            return plain;
        }
        finally
        {
            _baseGate.Release();
        }
    }

    public void Dispose()
    {
        _baseFolder?.Dispose();
        _baseGate.Dispose();
    }

    [GeneratedRegex(@"--qa-candidate[0-9]+")]
    private static partial Regex Isolated();

    private static bool Plain(string word) => word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && word[0] != '.' && word[0] != '-';
}

/// <summary>
/// dose-debcheck's YAML report (output-version 1.2), read a line at a time as the process writes it (<see cref="Line"/>),
/// keeping only the broken packages found so far (per reason, the relation it misses or the
/// conflict): the report of thousands of candidates is never held as one text.
/// </summary>
public sealed partial class DoseReportReader
{
    private readonly List<Uninstallable> _items = [];
    private string? _package, _version, _arch, _innerPackage;
    private List<string> _reasons = [];

    public void Line(string raw)
    {
        var line = raw.TrimEnd();
        if (line == " -")
        {
            Flush();
            return;
        }
        var indent = line.Length - line.TrimStart().Length;
        var text = line.Trim();
        if (indent == 2 && text.StartsWith("package: ", StringComparison.Ordinal))
            _package = text["package: ".Length..];
        else if (indent == 2 && text.StartsWith("version: ", StringComparison.Ordinal))
            _version = text["version: ".Length..];
        else if (indent == 2 && text.StartsWith("architecture: ", StringComparison.Ordinal))
            _arch = text["architecture: ".Length..];
        else if (indent > 2 && text.StartsWith("package: ", StringComparison.Ordinal))
            _innerPackage = text["package: ".Length..];
        else if (text.StartsWith("unsat-dependency: ", StringComparison.Ordinal))
        {
            var relation = Unqualified(text["unsat-dependency: ".Length..]);
            _reasons.Add(_innerPackage is null || _innerPackage == _package ? $"needs {relation}" : $"needs {_innerPackage}, which needs {relation}");
        }
        else if (text.StartsWith("unsat-conflict: ", StringComparison.Ordinal))
        {
            _reasons.Add($"{_innerPackage} conflicts with {Unqualified(text["unsat-conflict: ".Length..])}");
        }
        else if (text.StartsWith("background-packages:", StringComparison.Ordinal) || text.StartsWith("foreground-packages:", StringComparison.Ordinal))
            Flush();
    }

    /// <summary>The broken packages of the whole report (call once dose has ended).</summary>
    public IReadOnlyList<Uninstallable> Finish()
    {
        Flush();
        return _items;
    }

    private void Flush()
    {
        if (_package is not null && _version is not null && _arch is not null)
            _items.Add(new Uninstallable(_package, _version, _arch, _reasons.Distinct().ToList()));
        _package = _version = _arch = null;
        _reasons = [];
    }

    /// <summary>"libfoo:amd64 (>= 2)" → "libfoo (>= 2)": the architecture qualifier dose adds says nothing to an uploader.</summary>
    private static string Unqualified(string relation) => Qualifier().Replace(relation, "$1");

    [GeneratedRegex(@"^([a-z0-9][a-z0-9+.-]*):[a-z0-9-]+")]
    private static partial Regex Qualifier();
}
