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
/// (Autobuilder:Qa:BaseIndices; apt's .lz4 lists are decompressed with apt-helper first), and one
/// <c>dose-debcheck --explain --failures</c> run names each broken binary and why.
/// </summary>
public sealed partial class DoseInstallabilityChecker(IOptions<AutobuilderOptions> options) : IInstallabilityChecker
{
    private const string Dose = "dose-debcheck";

    public async Task<InstallabilityReport> CheckAsync(InstallabilityQuery query, CancellationToken cancellationToken = default)
    {
        var qa = options.Value.Qa;
        var timeout = TimeSpan.FromSeconds(qa.ToolTimeoutSeconds);
        var wanted = query.Candidates.Select(c => InstallabilityReport.Key(c.Source, c.Version)).ToHashSet(StringComparer.Ordinal);
        var broken = new Dictionary<string, List<Uninstallable>>(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        using var temp = QaTool.Temp("ab-qa-dose-");
        try
        {
            foreach (var arch in query.Architectures)
            {
                if (!Plain(arch))
                    return new InstallabilityReport(new Dictionary<string, IReadOnlyList<Uninstallable>>(), $"'{arch}' is not an architecture name");
                var fg = Path.Combine(temp.Path, $"fg-{arch}");
                var owners = await WriteCandidatesAsync(query.From, arch, wanted, fg, cancellationToken);
                found.UnionWith(owners.Values.Select(o => o.Key));
                if (owners.Count == 0)
                    continue;
                var args = new List<string> { $"--deb-native-arch={arch}", "--explain", "--failures", $"--fg={fg}" };
                foreach (var bg in query.Background.SelectMany(b => Indices(b, arch)))
                    args.Add($"--bg={bg}");
                foreach (var file in await BaseAsync(query.From.Product, arch, temp.Path, timeout, cancellationToken))
                    args.Add($"--bg={file}");
                var run = await QaTool.RunAsync(Dose, args, temp.Path, timeout, cancellationToken: cancellationToken);
                if (run.TimedOut)
                    return Failed($"{Dose} took longer than {timeout.TotalSeconds:0} s (Autobuilder:Qa:ToolTimeoutSeconds)");
                // 0: all installable, 1: some are not; anything else is dose's own failure.
                if (run.ExitCode is not (0 or 1))
                    return Failed($"{Dose} ended with status {run.ExitCode}: {run.Tail}");
                foreach (var item in DoseReport.Parse(run.Stdout))
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

    /// <summary>The Packages file of each component for <paramref name="arch"/> in a published tree: .gz first (dose reads it), else the plain or .xz one.</summary>
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

    /// <summary>The base's Packages files for the product and architecture; .lz4 (apt's lists) decompressed into the run's folder with apt-helper.</summary>
    private async Task<List<string>> BaseAsync(string product, string arch, string temp, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        if (!options.Value.Qa.BaseIndices.TryGetValue(product, out var patterns))
            return files;
        foreach (var pattern in patterns.Select(p => p.Replace("{arch}", arch, StringComparison.Ordinal)))
        {
            var folder = Path.GetDirectoryName(pattern) ?? "/";
            var name = Path.GetFileName(pattern);
            var matches = name.IndexOfAny(['*', '?']) >= 0
                ? (Directory.Exists(folder) ? Directory.GetFiles(folder, name).Order(StringComparer.Ordinal).ToArray() : [])
                : File.Exists(pattern) ? [pattern] : [];
            // apt keeps pdiff indices beside the lists ("…_Packages.diff_Index"): not Packages files.
            foreach (var file in matches.Where(f => !Path.GetFileName(f).Contains(".diff", StringComparison.Ordinal)))
            {
                if (file.EndsWith(".lz4", StringComparison.Ordinal) || file.EndsWith(".zst", StringComparison.Ordinal) || file.EndsWith(".bz2", StringComparison.Ordinal))
                {
                    var plain = Path.Combine(temp, $"base-{arch}-{files.Count}");
                    var run = await QaTool.RunAsync("/usr/lib/apt/apt-helper", ["cat-file", file], temp, timeout, plain, cancellationToken);
                    if (run.ExitCode != 0)
                        throw new IOException($"apt-helper cat-file {file} failed: {run.Tail}");
                    files.Add(plain);
                }
                else
                    files.Add(file);
            }
        }
        return files;
    }

    [GeneratedRegex(@"--qa-candidate[0-9]+")]
    private static partial Regex Isolated();

    private static bool Plain(string word) => word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && word[0] != '.' && word[0] != '-';
}

/// <summary>dose-debcheck's YAML report (output-version 1.2), read line by line: each broken package and, per reason, the relation it misses or the conflict.</summary>
public static partial class DoseReport
{
    public static IReadOnlyList<Uninstallable> Parse(string yaml)
    {
        var items = new List<Uninstallable>();
        string? package = null, version = null, arch = null;
        var reasons = new List<string>();
        string? innerPackage = null;

        void Flush()
        {
            if (package is not null && version is not null && arch is not null)
                items.Add(new Uninstallable(package, version, arch, reasons.Distinct().ToList()));
            package = version = arch = null;
            reasons = [];
        }

        foreach (var raw in yaml.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line == " -")
            {
                Flush();
                continue;
            }
            var indent = line.Length - line.TrimStart().Length;
            var text = line.Trim();
            if (indent == 2 && text.StartsWith("package: ", StringComparison.Ordinal))
                package = text["package: ".Length..];
            else if (indent == 2 && text.StartsWith("version: ", StringComparison.Ordinal))
                version = text["version: ".Length..];
            else if (indent == 2 && text.StartsWith("architecture: ", StringComparison.Ordinal))
                arch = text["architecture: ".Length..];
            else if (indent > 2 && text.StartsWith("package: ", StringComparison.Ordinal))
                innerPackage = text["package: ".Length..];
            else if (text.StartsWith("unsat-dependency: ", StringComparison.Ordinal))
            {
                var relation = Unqualified(text["unsat-dependency: ".Length..]);
                reasons.Add(innerPackage is null || innerPackage == package ? $"needs {relation}" : $"needs {innerPackage}, which needs {relation}");
            }
            else if (text.StartsWith("unsat-conflict: ", StringComparison.Ordinal))
            {
                reasons.Add($"{innerPackage} conflicts with {Unqualified(text["unsat-conflict: ".Length..])}");
            }
            else if (text.StartsWith("background-packages:", StringComparison.Ordinal) || text.StartsWith("foreground-packages:", StringComparison.Ordinal))
                Flush();
        }
        Flush();
        return items;
    }

    /// <summary>"libfoo:amd64 (>= 2)" → "libfoo (>= 2)": the architecture qualifier dose adds says nothing to an uploader.</summary>
    private static string Unqualified(string relation) => Qualifier().Replace(relation, "$1");

    [GeneratedRegex(@"^([a-z0-9][a-z0-9+.-]*):[a-z0-9-]+")]
    private static partial Regex Qualifier();
}
