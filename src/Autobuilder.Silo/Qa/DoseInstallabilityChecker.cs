using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Autobuilder.Acceptance;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Qa;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Qa;

/// <summary>
/// Installability with dose3's dose-debcheck (Debian's package dose-distcheck), the tool Debian's
/// britney and our chroot builds' dep-wait already trust. Per architecture: the candidates' stanzas
/// are read from the lower repository's published Packages index (the generation live), the
/// background is the target's (and InstallableWith's) published indices plus the product's base
/// (Autobuilder:Qa:BaseIndices; apt's .lz4 lists are decompressed with apt-helper, once per version), and one
/// <c>dose-debcheck --explain --failures</c> run names each broken binary and why.
/// <para>
/// Incremental (issue 15's speed: excuses of 5,000 candidates within 2 s after a publish): every
/// index is read once per version of its file (<see cref="DoseIndex"/>); when one changes (a
/// publish to the target, an apt update of the base) the stanzas it gained or lost are found, and
/// only the verdicts of candidates whose dependencies can reach one of them are judged again (any
/// change to an Essential package, which every installation holds, judges all again). A candidate
/// reaching none of the changed stanzas has the same closure, hence the same verdict and the same
/// explanation, as before: <see cref="DoseIndex.ReachingAny"/>. A candidate whose own stanzas
/// changed in the lower repository is judged again too.
/// </para>
/// </summary>
public sealed partial class DoseInstallabilityChecker(IOptions<AutobuilderOptions> options, IDoseRunner runner, ILogger<DoseInstallabilityChecker> logger)
    : IInstallabilityChecker, IDisposable
{
    private const string Dose = DoseRunner.Program;

    // Per lower repository ("extras-testing/bookworm"): what dose-debcheck said of its candidates, and on which indices.
    private readonly ConcurrentDictionary<string, Judged> _judged = new(StringComparer.Ordinal);

    // Indices read, by the version of their file; shared by every lower repository's checks (the base
    // is read once) and let go once no check reads that version any more.
    private readonly Lock _indicesLock = new();
    private readonly Dictionary<string, DoseIndex> _indices = new(StringComparer.Ordinal);
    // The last version read of each place (a tree's component and architecture, a base file): its gzip members are reused by the next.
    private readonly Dictionary<string, DoseIndex> _lastAt = new(StringComparer.Ordinal);

    // apt's compressed lists decompressed, per version of the file (its path, size and time).
    private readonly SemaphoreSlim _baseGate = new(1, 1);
    private readonly Dictionary<string, string> _plainBase = new(StringComparer.Ordinal);
    private QaTool.TempFolder? _baseFolder;

    /// <summary>One file dose reads: where it comes from (a tree's component, a base file) and the version of it read.</summary>
    private sealed record Slot(string Place, DoseIndex Index);

    /// <summary>The files one architecture's check reads: the lower repository's (the candidates) and the background's.</summary>
    private sealed record ArchInputs(string Arch, Slot[] Foreground, Slot[] Background)
    {
        private Dictionary<string, List<DoseIndex.Entry>>? _byKey;

        public IReadOnlyList<DoseIndex> BackgroundIndices => [.. Background.Select(s => s.Index)];

        /// <summary>The candidates' stanzas for this architecture, per "source version", in file order.</summary>
        public Dictionary<string, List<DoseIndex.Entry>> ByKey
        {
            get
            {
                if (_byKey is null)
                {
                    var byKey = new Dictionary<string, List<DoseIndex.Entry>>(StringComparer.Ordinal);
                    foreach (var e in Foreground.SelectMany(s => s.Index.Entries))
                    {
                        var (source, version) = SourceOf(e.Source, e.Package, e.Version ?? "");
                        var key = InstallabilityReport.Key(source, version);
                        if (!byKey.TryGetValue(key, out var list))
                            byKey[key] = list = [];
                        list.Add(e);
                    }
                    _byKey = byKey;
                }
                return _byKey;
            }
        }

        public IReadOnlyList<DoseIndex.Entry> Of(string key) => ByKey.TryGetValue(key, out var list) ? list : [];

        /// <summary>The names the candidate's binaries need from the background: their Depends and Pre-Depends, less its own binaries and Provides (renamed apart for dose).</summary>
        public IEnumerable<string> Needs(string key)
        {
            var own = Of(key);
            var names = own.SelectMany(e => e.Names).ToHashSet(StringComparer.Ordinal);
            return own.SelectMany(e => e.Needs).Where(n => !names.Contains(n)).Distinct();
        }
    }

    private sealed record Inputs(string Layout, ArchInputs[] Arches)
    {
        public IEnumerable<string> Identities => Arches.SelectMany(a => a.Foreground.Concat(a.Background)).Select(s => s.Index.Identity);

        /// <summary>The candidate's stanzas on every architecture: when they change, its verdict is judged again.</summary>
        public string[] Texts(string key) => [.. Arches.SelectMany(a => a.Of(key).Select(e => $"{a.Arch}\n{e.Text}"))];
    }

    /// <summary>
    /// The verdicts on the candidates of one lower repository, on <see cref="Current"/>'s indices.
    /// Each candidate is judged alone (see <see cref="WriteCandidates"/>), so a verdict holds whatever
    /// other candidates a later query names: only candidates not judged yet run dose again.
    /// </summary>
    private sealed class Judged
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Inputs? Current { get; set; }

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Unread { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, IReadOnlyList<Uninstallable>> Broken { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string[]> Texts { get; } = new(StringComparer.Ordinal);

        public void Reset()
        {
            Keys.Clear();
            Unread.Clear();
            Broken.Clear();
            Texts.Clear();
        }

        public void Forget(string key)
        {
            Keys.Remove(key);
            Unread.Remove(key);
            Broken.Remove(key);
            Texts.Remove(key);
        }
    }

    /// <summary>
    /// The verdicts, kept while what dose reads stays the same; after a change, kept for every
    /// candidate the change cannot reach (see the class's remarks); dose-debcheck runs, once for all
    /// of them, only for candidates not judged on the current indices.
    /// </summary>
    public async Task<InstallabilityReport> CheckAsync(InstallabilityQuery query, CancellationToken cancellationToken = default)
    {
        var wanted = query.Candidates.Select(c => InstallabilityReport.Key(c.Source, c.Version)).ToHashSet(StringComparer.Ordinal);
        if (query.Architectures.FirstOrDefault(a => !Plain(a)) is { } bad)
            return Failed($"'{bad}' is not an architecture name");
        var timeout = TimeSpan.FromSeconds(options.Value.Qa.ToolTimeoutSeconds);
        var judged = _judged.GetOrAdd(query.From.Name, _ => new Judged());
        await judged.Gate.WaitAsync(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            Inputs inputs;
            try
            {
                inputs = await ReadInputsAsync(query, timeout, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidDataException)
            {
                return Failed(ex.Message);
            }
            var read = clock.Elapsed;
            var changed = judged.Current is not { } previous || !previous.Identities.SequenceEqual(inputs.Identities);
            var forgotten = Refresh(judged, inputs);
            judged.Current = inputs;
            Prune();
            var missing = wanted.Where(k => !judged.Keys.Contains(k)).ToHashSet(StringComparer.Ordinal);
            if (missing.Count > 0)
            {
                var run = await RunAsync(inputs, missing, timeout, cancellationToken);
                if (run.Failure is not null)
                    return run;
                judged.Keys.UnionWith(missing);
                judged.Unread.UnionWith(run.Unread ?? []);
                foreach (var (key, list) in run.Broken)
                    judged.Broken[key] = list;
                foreach (var key in missing)
                    judged.Texts[key] = inputs.Texts(key);
            }
            if (changed || missing.Count > 0)
                LogJudged(logger, query.From.Name, missing.Count, wanted.Count - missing.Count, forgotten, read.TotalMilliseconds, clock.Elapsed.TotalMilliseconds);
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
    /// Forgets the verdicts the change from the indices last judged on to <paramref name="inputs"/>
    /// may have changed; returns how many it forgot. Another set of files (an architecture, a
    /// component or a base file more or less) forgets all of them.
    /// </summary>
    private static int Refresh(Judged judged, Inputs inputs)
    {
        var before = judged.Keys.Count;
        if (judged.Current is not { } old || old.Layout != inputs.Layout)
        {
            judged.Reset();
            return before;
        }
        // The lower repository: a candidate whose own stanzas changed (a binNMU, an architecture more).
        for (var a = 0; a < inputs.Arches.Length; a++)
        {
            if (!old.Arches[a].Foreground.Select(s => s.Index).SequenceEqual(inputs.Arches[a].Foreground.Select(s => s.Index)))
            {
                foreach (var key in judged.Keys.Where(k => !judged.Texts.TryGetValue(k, out var t) || !t.SequenceEqual(inputs.Texts(k))).ToList())
                    judged.Forget(key);
                break;
            }
        }
        // The background: the stanzas gained or lost, and the candidates that can reach them.
        for (var a = 0; a < inputs.Arches.Length && judged.Keys.Count > 0; a++)
        {
            var changed = new List<DoseIndex.Entry>();
            for (var s = 0; s < inputs.Arches[a].Background.Length; s++)
                changed.AddRange(DoseIndex.Changed(old.Arches[a].Background[s].Index, inputs.Arches[a].Background[s].Index));
            if (changed.Count == 0)
                continue;
            var oldIndices = old.Arches[a].BackgroundIndices;
            var reaching = DoseIndex.ReachingAny(changed.SelectMany(e => e.Names), oldIndices);
            if (changed.Any(e => e.Essential) || oldIndices.Any(i => i.EssentialNames.Any(reaching.Contains)))
            {
                judged.Reset();
                return before;
            }
            var arch = inputs.Arches[a];
            foreach (var key in judged.Keys.Where(k => old.Arches[a].Needs(k).Any(reaching.Contains) || arch.Needs(k).Any(reaching.Contains)).ToList())
                judged.Forget(key);
        }
        return before - judged.Keys.Count;
    }

    /// <summary>Every file the check reads, per architecture, each read or taken from the indices already read.</summary>
    private async Task<Inputs> ReadInputsAsync(InstallabilityQuery query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var layout = new StringBuilder();
        var arches = new List<ArchInputs>();
        foreach (var arch in query.Architectures)
        {
            var foreground = new List<Slot>();
            foreach (var (place, path) in Indices(query.From, arch))
                foreground.Add(new Slot(place, await IndexAsync(place, path, cancellationToken)));
            var background = new List<Slot>();
            foreach (var (place, path) in query.Background.SelectMany(b => Indices(b, arch)))
                background.Add(new Slot(place, await IndexAsync(place, path, cancellationToken)));
            foreach (var (file, plain) in await BaseAsync(query.From.Product, arch, timeout, cancellationToken))
                background.Add(new Slot(file, await IndexAsync(file, plain, cancellationToken)));
            layout.Append(arch).Append(": ").AppendJoin(", ", foreground.Select(s => s.Place)).Append(" | ").AppendJoin(", ", background.Select(s => s.Place)).Append('\n');
            arches.Add(new ArchInputs(arch, [.. foreground], [.. background]));
        }
        return new Inputs(layout.ToString(), [.. arches]);
    }

    /// <summary>The index of this version of the file: read once, then shared.</summary>
    private async Task<DoseIndex> IndexAsync(string place, string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new FileNotFoundException($"{path} is gone (a newer generation replaced it?); ask again", path);
        var identity = $"{path} {file.Length} {file.LastWriteTimeUtc.Ticks}";
        DoseIndex? previous;
        lock (_indicesLock)
        {
            if (_indices.TryGetValue(identity, out var known))
                return known;
            previous = _lastAt.GetValueOrDefault(place);
        }
        var index = await Task.Run(() => DoseIndex.Read(path, identity, previous, cancellationToken), cancellationToken);
        lock (_indicesLock)
        {
            _indices[identity] = index;
            _lastAt[place] = index;
        }
        return index;
    }

    /// <summary>Lets go of the indices no lower repository's verdicts rest on any more.</summary>
    private void Prune()
    {
        var used = _judged.Values.Select(j => j.Current).OfType<Inputs>()
            .SelectMany(i => i.Arches).SelectMany(a => a.Foreground.Concat(a.Background)).Select(s => s.Index.Identity).ToHashSet(StringComparer.Ordinal);
        lock (_indicesLock)
        {
            foreach (var identity in _indices.Keys.Where(k => !used.Contains(k)).ToList())
                _indices.Remove(identity);
        }
    }

    /// <summary>
    /// dose-debcheck for the <paramref name="wanted"/> candidates: per architecture one run, or, for
    /// thousands of candidates, one per share of them at once (each candidate is judged alone, so
    /// splitting them changes no verdict; the cores share the work), each report read line by line
    /// as dose writes it.
    /// </summary>
    private async Task<InstallabilityReport> RunAsync(Inputs inputs, HashSet<string> wanted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var broken = new Dictionary<string, List<Uninstallable>>(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        using var temp = QaTool.Temp("ab-qa-dose-");
        try
        {
            foreach (var arch in inputs.Arches)
            {
                var keys = arch.ByKey.Keys.Where(wanted.Contains).ToList();
                found.UnionWith(keys);
                if (keys.Count == 0)
                    continue;
                var shares = Math.Clamp(keys.Count / CandidatesPerShare, 1, Math.Min(Environment.ProcessorCount, MaxShares));
                var size = (keys.Count + shares - 1) / shares;
                var runs = await Task.WhenAll(keys.Chunk(size).Select((share, n) =>
                    RunShareAsync(arch, [.. share], Path.Combine(temp.Path, $"{arch.Arch}-{n}"), temp.Path, timeout, cancellationToken)));
                if (runs.FirstOrDefault(r => r.Failure is not null).Failure is { } failure)
                    return Failed(failure);
                foreach (var (key, item) in runs.SelectMany(r => r.Broken))
                {
                    if (!broken.TryGetValue(key, out var list))
                        broken[key] = list = [];
                    list.Add(item);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidDataException)
        {
            return Failed(ex.Message);
        }
        return new InstallabilityReport(broken.ToDictionary(p => p.Key, p => (IReadOnlyList<Uninstallable>)p.Value), null, [.. wanted.Except(found)]);
    }

    // Below this many candidates one dose run judges them all (a run's start and its background cost more than splitting saves).
    private const int CandidatesPerShare = 1000;
    private const int MaxShares = 4;

    /// <summary>One dose-debcheck run over some candidates of one architecture: the broken binaries, each with its candidate's key; or why dose failed.</summary>
    private async Task<(string? Failure, List<(string Key, Uninstallable Item)> Broken)> RunShareAsync(ArchInputs arch, List<string> keys, string prefix, string folder,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var fg = prefix + ".fg";
        var reachable = prefix + ".bg";
        // Only what the candidates can reach, as plain text: dose parses thousands of stanzas, not
        // the whole base and target, and never a .gz itself (it reads only the first gzip member,
        // and our publisher compresses a big index in many).
        var owners = await Task.Run(() =>
        {
            var written = WriteCandidates(arch, keys, fg);
            DoseBackground.Write(keys.SelectMany(arch.Needs), arch.BackgroundIndices, reachable);
            return written;
        }, cancellationToken);
        var args = new List<string> { $"--deb-native-arch={arch.Arch}", "--explain", "--failures", $"--fg={fg}", $"--bg={reachable}" };
        var report = new DoseReportReader();
        var run = await runner.RunAsync(args, folder, timeout, report.Line, cancellationToken);
        if (run.TimedOut)
            return ($"{Dose} took longer than {timeout.TotalSeconds:0} s (Autobuilder:Qa:ToolTimeoutSeconds)", []);
        // 0: all installable, 1: some are not; anything else is dose's own failure.
        if (run.ExitCode is not (0 or 1))
            return ($"{Dose} ended with status {run.ExitCode}: {run.Tail}", []);
        var broken = new List<(string, Uninstallable)>();
        foreach (var item in report.Finish())
        {
            if (owners.TryGetValue((item.Package, item.Version, item.Architecture), out var owner))
                broken.Add((owner.Key, item with { Package = owner.Package, Reasons = [.. item.Reasons.Select(r => Isolated().Replace(r, ""))] }));
        }
        return (null, broken);
    }

    private static InstallabilityReport Failed(string why) => new(new Dictionary<string, IReadOnlyList<Uninstallable>>(), why);

    /// <summary>
    /// Writes the stanzas of the candidates' binaries for one architecture (and all) into
    /// <paramref name="target"/>, each source's binaries renamed with a suffix of its own (and its
    /// relations to its own binaries and Provides with them), so that one dose-debcheck run judges
    /// every candidate against the background and its own source only: a candidate cannot make
    /// another installable while both wait (a package moves after what it needs). Returns whose
    /// each renamed binary is, and its real name.
    /// </summary>
    private static Dictionary<(string, string, string), (string Key, string Package)> WriteCandidates(ArchInputs arch, List<string> keys, string target)
    {
        var owners = new Dictionary<(string, string, string), (string, string)>();
        using var output = new StreamWriter(target, append: false, new UTF8Encoding(false), 1 << 16);
        for (var k = 0; k < keys.Count; k++)
        {
            var suffix = $"{IsolationMark}{k}";
            var stanzas = arch.Of(keys[k]);
            var own = stanzas.SelectMany(e => e.Names).ToHashSet(StringComparer.Ordinal);
            foreach (var e in stanzas)
            {
                foreach (var (name, lines) in Fields(e.Text))
                {
                    if (name.Equals("Package", StringComparison.OrdinalIgnoreCase) || name.Equals("Provides", StringComparison.OrdinalIgnoreCase)
                        || name.Equals("Depends", StringComparison.OrdinalIgnoreCase) || name.Equals("Pre-Depends", StringComparison.OrdinalIgnoreCase))
                    {
                        var value = string.Join(' ', lines.Select((l, i) => i == 0 ? l[(name.Length + 1)..].Trim() : l.Trim()));
                        output.Write($"{name}: {Rename(value, own, suffix)}\n");
                    }
                    else
                    {
                        foreach (var line in lines)
                            output.Write(line + "\n");
                    }
                }
                output.Write('\n');
                owners[(e.Package + suffix, e.Version ?? "", e.Architecture ?? "")] = (keys[k], e.Package);
            }
        }
        return owners;
    }

    /// <summary>A stanza's fields, each its name and its lines (the first and its continuation lines).</summary>
    private static IEnumerable<(string Name, List<string> Lines)> Fields(string text)
    {
        (string Name, List<string> Lines)? current = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line[0] is ' ' or '\t' && current is { } c)
            {
                c.Lines.Add(line);
                continue;
            }
            if (current is { } done)
                yield return done;
            var colon = line.IndexOf(':');
            current = (colon > 0 ? line[..colon] : "", [line]);
        }
        if (current is { } last)
            yield return last;
    }

    /// <summary>The mark on renamed candidate binaries; taken out of dose's reasons again.</summary>
    public const string IsolationMark = "--qa-candidate";

    /// <summary>Renames, in a relation field, every name that is one of the source's own binaries or Provides.</summary>
    private static string Rename(string value, HashSet<string> own, string suffix) =>
        RelationName().Replace(value, m => own.Contains(m.Groups[2].Value) ? m.Groups[1].Value + m.Groups[2].Value + suffix : m.Value);

    // A package name at the start of a relation atom: after the field start, a comma or a bar.
    [GeneratedRegex(@"(^\s*|[,|]\s*)([a-z0-9][a-z0-9+.-]*)")]
    private static partial Regex RelationName();

    /// <summary>Policy §5.6.1: "Source: name (version)" when the source's version differs; the package's own name and version when absent.</summary>
    private static (string Source, string Version) SourceOf(string? field, string package, string version)
    {
        if (field is not { Length: > 0 })
            return (package, version);
        var open = field.IndexOf('(');
        return open < 0 ? (field.Trim(), version) : (field[..open].Trim(), field[(open + 1)..].TrimEnd(')', ' '));
    }

    /// <summary>
    /// The Packages file of each component for <paramref name="arch"/> in a published tree, with its
    /// place ("tree component arch"): .gz first, else the plain or .xz one (refused when read). Read
    /// through the generation folder the tree's dists/&lt;product&gt; link serves now, so that a
    /// switch to a newer generation while it is read cannot mix two generations' files.
    /// </summary>
    private static IEnumerable<(string Place, string Path)> Indices(PublishedIndices tree, string arch)
    {
        var dists = Path.Combine(tree.LivePath, "dists", tree.Product);
        var link = Directory.Exists(dists) ? new DirectoryInfo(dists).LinkTarget : null;
        var folder = link is null ? dists : Path.GetFullPath(link, Path.Combine(tree.LivePath, "dists"));
        foreach (var component in tree.Components.Where(Plain))
        {
            var stem = Path.Combine(folder, component, $"binary-{arch}", "Packages");
            var found = new[] { stem + ".gz", stem, stem + ".xz" }.FirstOrDefault(File.Exists);
            if (found is not null)
                yield return ($"{tree.Name} {component} {arch}", found);
        }
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

    /// <summary>The base's Packages files, each with the file to read: .lz4, .zst and .bz2 (apt's lists) as plain copies (see <see cref="PlainAsync"/>).</summary>
    private async Task<List<(string File, string Plain)>> BaseAsync(string product, string arch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var files = new List<(string, string)>();
        foreach (var file in BaseFiles(product, arch))
        {
            var compressed = file.EndsWith(".lz4", StringComparison.Ordinal) || file.EndsWith(".zst", StringComparison.Ordinal) || file.EndsWith(".bz2", StringComparison.Ordinal);
            files.Add((file, compressed ? await PlainAsync(file, timeout, cancellationToken) : file));
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

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Distribution}: dose-debcheck judged {Judged} candidate(s) ({Kept} verdicts kept, {Forgotten} forgotten by a change of the indices); indices read in {ReadMs:0} ms, {TotalMs:0} ms in all")]
    private static partial void LogJudged(ILogger logger, string distribution, int judged, int kept, int forgotten, double readMs, double totalMs);

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
