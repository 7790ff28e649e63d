using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Autobuilder.Debian.Control;

namespace Autobuilder.Chaos;

/// <summary>
/// Reads what a client and an operator would see on disk, without asking the silo: the live
/// generation's Release against its indices, the indices against the pool (size and SHA-256 of
/// every .deb and source file), each .deb once, the journal's adds, and the pool's orphans.
/// </summary>
public static class ArchiveCheck
{
    /// <summary>
    /// The generation <c>dists/&lt;product&gt;</c> points at: every index Release lists that exists
    /// matches its size and SHA-256, every Packages/Sources entry names a pool file of that size and
    /// SHA-256, and no package (name, version, architecture) is listed twice. Older kept generations:
    /// their indices against their Release only (clean-up may have collected pool files only they name).
    /// </summary>
    public static void LiveGeneration(string liveRoot, string product, ChaosReport report)
    {
        var dists = Path.Combine(liveRoot, "dists");
        var link = Path.Combine(dists, product);
        if (!Path.Exists(link))
        {
            report.Notes.Add($"{liveRoot}: nothing live for {product} (never published)");
            return;
        }
        var current = Path.GetFullPath(Path.Combine(dists, new FileInfo(link).LinkTarget ?? product));
        var name = Path.GetFileName(liveRoot);
        CheckIndices(current, $"{name} live", report, out var indices);
        report.GenerationsChecked++;
        foreach (var (file, text) in indices)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var stanza in ControlFile.Parse(text, file))
            {
                var key = $"{stanza["Package"]}_{stanza["Version"]}_{stanza["Architecture"] ?? "source"}";
                if (!seen.Add(key))
                    report.Failures.Add($"{name}: {key} is listed twice in {file}");
                if (stanza["Filename"] is { } filename)
                {
                    report.DebsChecked++;
                    PoolFile(liveRoot, filename, long.Parse(stanza.Require("Size", file), CultureInfo.InvariantCulture), stanza.Require("SHA256", file), $"{name} {key}", report);
                }
                else if (stanza["Checksums-Sha256"] is { } sums)
                {
                    report.SourcesChecked++;
                    var directory = stanza.Require("Directory", file);
                    foreach (var line in sums.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        PoolFile(liveRoot, $"{directory}/{parts[2]}", long.Parse(parts[1], CultureInfo.InvariantCulture), parts[0], $"{name} {key}", report);
                    }
                }
            }
        }
        // Every kept generation folder still agrees with its own Release (its indices are whole).
        var generations = Path.Combine(dists, "." + product);
        if (Directory.Exists(generations))
        {
            foreach (var folder in Directory.GetDirectories(generations).Where(f => Path.GetFullPath(f) != current))
            {
                if (File.Exists(Path.Combine(folder, "Release")))
                {
                    CheckIndices(folder, $"{name} kept {Path.GetFileName(folder)}", report, out _);
                    report.GenerationsChecked++;
                }
            }
        }
    }

    private static void CheckIndices(string generation, string what, ChaosReport report, out List<(string File, string Text)> indices)
    {
        indices = [];
        var releasePath = Path.Combine(generation, "Release");
        if (!File.Exists(releasePath))
        {
            report.Failures.Add($"{what}: no Release in {generation}");
            return;
        }
        var release = ControlFile.ParseSingle(File.ReadAllText(releasePath), releasePath);
        var listed = 0;
        foreach (var line in (release["SHA256"] ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var path = Path.Combine(generation, parts[2]);
            if (!File.Exists(path))
                continue; // the uncompressed variants are listed, not served (as in Debian's archive)
            listed++;
            var bytes = File.ReadAllBytes(path);
            if (bytes.LongLength != long.Parse(parts[1], CultureInfo.InvariantCulture) || Sha256(bytes) != parts[0])
                report.Failures.Add($"{what}: {parts[2]} does not match its Release line (size {bytes.LongLength}, listed {parts[1]})");
            else if (parts[2].EndsWith("Packages.gz", StringComparison.Ordinal) || parts[2].EndsWith("Sources.gz", StringComparison.Ordinal))
                indices.Add((parts[2], Gunzip(bytes)));
        }
        if (listed == 0)
            report.Failures.Add($"{what}: Release lists no index that exists");
    }

    private static void PoolFile(string liveRoot, string relative, long size, string sha256, string what, ChaosReport report)
    {
        var path = Path.Combine(liveRoot, relative);
        if (!File.Exists(path))
        {
            report.Failures.Add($"{what}: the index names {relative}, which the live pool does not have");
            return;
        }
        var bytes = File.ReadAllBytes(path);
        if (bytes.LongLength != size || Sha256(bytes) != sha256)
            report.Failures.Add($"{what}: pool file {relative} is {bytes.LongLength} bytes with another SHA-256 than the index says ({size})");
    }

    /// <summary>
    /// A distribution's journal must add each package (name, version, architecture) once: an offer
    /// taken twice after a kill would add it again. Only for distributions no rollback was run on
    /// (a rollback re-adds the set it goes back to, by design).
    /// </summary>
    public static void JournalAddsOnce(string journal, string what, string packagePrefix, ChaosReport report)
    {
        if (!File.Exists(journal))
            return;
        var adds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(journal))
        {
            if (line.Length == 0)
                continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (Prop(root, "Op") is not { } op || op.GetString() != "add" || Prop(root, "R") is not { } r)
                continue;
            var package = Prop(r, "Package")?.GetString() ?? "";
            // The run's packages only: a shared cluster's journal also holds other tests'.
            if (!package.StartsWith(packagePrefix, StringComparison.Ordinal))
                continue;
            var key = $"{package}_{Prop(r, "Version")?.GetString()}_{Prop(r, "Architecture")?.GetString()}";
            adds[key] = adds.GetValueOrDefault(key) + 1;
        }
        foreach (var (key, n) in adds.Where(a => a.Value > 1))
            report.Failures.Add($"{what}: {key} was added to the journal {n} times (published twice)");
        report.Notes.Add($"{what}: journal adds {adds.Count} package(s), each once: {adds.Values.All(v => v == 1)}");
    }

    /// <summary>
    /// Right after a clean-up: each pool file is referenced by a distribution, or recorded as an
    /// orphan since less than <paramref name="grace"/> ago (or touched within it). Anything else was
    /// kept past its grace period or is not tracked at all.
    /// </summary>
    public static void PoolWithinGrace(string stagingRoot, string liveRoot, string orphansFile, IReadOnlySet<string> referenced,
        TimeSpan grace, DateTimeOffset now, string what, ChaosReport report)
    {
        var orphans = File.Exists(orphansFile)
            ? JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(File.ReadAllText(orphansFile)) ?? []
            : [];
        foreach (var root in new[] { stagingRoot, liveRoot })
        {
            var pool = Path.Combine(root, "pool");
            if (!Directory.Exists(pool))
                continue;
            foreach (var full in Directory.EnumerateFiles(pool, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, full).Replace('\\', '/');
                report.PoolFiles++;
                if (referenced.Contains(relative))
                    continue;
                var touched = new DateTimeOffset(File.GetLastWriteTimeUtc(full));
                var since = orphans.TryGetValue(relative, out var first) ? first : (DateTimeOffset?)null;
                if (now - touched < grace || (since is { } s && now - s < grace))
                    report.PoolUnreferencedInGrace++;
                else
                    report.Failures.Add($"{what}: pool file {relative} ({(root == liveRoot ? "live" : "staging")}) is referenced by no distribution, " +
                        $"untouched for {(now - touched).TotalSeconds:0} s and {(since is null ? "not recorded as an orphan" : $"an orphan since {(now - since.Value).TotalSeconds:0} s")}: past the grace period of {grace.TotalSeconds:0} s");
            }
        }
    }

    private static JsonElement? Prop(JsonElement e, string name)
    {
        foreach (var p in e.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                return p.Value;
        return null;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Gunzip(byte[] bytes)
    {
        using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        return reader.ReadToEnd();
    }
}
