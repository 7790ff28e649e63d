using Autobuilder.Debian;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;

namespace Autobuilder.Silo.Intake;

/// <summary>A regular file a .dsc names, as the scan saw it (lstat): taking it checks it is still that file.</summary>
public sealed record NamedFile(string Name, long Size, EntryInfo Seen);

/// <summary>
/// One upload the scan hands to be taken: complete (every named file a regular file of its listed
/// size), or settled with <see cref="Problems"/> to be rejected. <see cref="BadEntries"/> are names
/// that are not regular files: they are moved with the rejected upload, never opened.
/// </summary>
public sealed record IncomingUpload(
    string Product,
    string Folder,
    string DscName,
    string Source,
    string Version,
    byte[]? DscBytes,
    IReadOnlyList<NamedFile> Files,
    IReadOnlyList<string> Changes,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> BadEntries,
    long TotalBytes)
{
    /// <summary>The area the upload is in (local incoming, an account's SSH or HTTP area).</summary>
    public UploadOrigin Origin { get; init; } = new(UploadChannel.Local, null);

    /// <summary>The .changes taken with the .dsc (dput's unit), and its bytes as parsed.</summary>
    public string? ChangesName { get; init; }
    public byte[]? ChangesBytes { get; init; }

    public string DscPath => Path.Combine(Folder, DscName);
    public bool Rejected => Problems.Count > 0;
}

/// <summary>An entry of incoming that belongs to no upload and is not a regular file: set aside with its reason.</summary>
public sealed record StrayEntry(string Folder, string Name, string Reason);

/// <summary>
/// Decides which .dsc files in an incoming folder are ready to be taken, without ever reading
/// anything but a regular .dsc of bounded size (lstat first; <see cref="IncomingEntry"/>), and
/// without reading any named file: those are only looked at. The limits are checked from the .dsc.
/// Thread-safe: the scan loop calls <see cref="Ready"/>, the workers taking uploads call
/// <see cref="StillNamed"/> and <see cref="Done"/>.
/// </summary>
public sealed class IncomingScan(IntakeOptions limits, TimeSpan stableFor, TimeSpan incompleteAfter, TimeProvider time)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Parsed> _parsed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IncomingUpload> _inFlight = new(StringComparer.Ordinal);

    private sealed record Parsed(EntryInfo Seen, DscFile? Dsc, byte[]? Bytes, string? Error)
    {
        public ChangesFile? Changes { get; init; }
    }

    /// <summary>The uploads of <paramref name="folder"/> ready to be taken, and the stray entries to set aside.</summary>
    public (IReadOnlyList<IncomingUpload> Uploads, IReadOnlyList<StrayEntry> Strays) Ready(string product, string folder, UploadOrigin? origin = null)
    {
        origin ??= new UploadOrigin(UploadChannel.Local, null);
        var ready = new List<IncomingUpload>();
        var now = time.GetUtcNow();
        var names = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>().ToList();
        var present = new HashSet<string>(names.Select(n => Path.Combine(folder, n)), StringComparer.Ordinal);
        var named = new HashSet<string>(StringComparer.Ordinal);
        _changesHere = names.Where(n => n.EndsWith(".changes", StringComparison.Ordinal)).ToList();
        lock (_lock)
        {
            foreach (var upload in _inFlight.Values.Where(u => u.Folder == folder))
                named.UnionWith(Names(upload));
            foreach (var dscName in names.Where(n => n.EndsWith(".dsc", StringComparison.Ordinal)))
            {
                var path = Path.Combine(folder, dscName);
                if (_inFlight.ContainsKey(path))
                    continue;
                var upload = Consider(product, folder, dscName, now, named, origin);
                if (upload is not null)
                {
                    upload = upload with { Origin = origin.Channel == UploadChannel.Local ? origin with { LocalUser = OwnerOf(path) } : origin };
                    _inFlight[path] = upload;
                    named.UnionWith(Names(upload));
                    ready.Add(upload);
                }
            }
            var strays = Strays(folder, names, named, now);
            foreach (var gone in _firstSeen.Keys.Where(k => !present.Contains(k) && Path.GetDirectoryName(k) == folder).ToList())
            {
                _firstSeen.Remove(gone);
                Forget(gone);
            }
            return (ready, strays);
        }
    }

    /// <summary>The upload was taken (or given up): its .dsc is no longer the scan's business.</summary>
    public void Done(string dscPath)
    {
        lock (_lock)
        {
            if (_inFlight.Remove(dscPath, out var upload) && upload.ChangesName is { } changes)
                _parsed.Remove(Path.Combine(upload.Folder, changes));
            _firstSeen.Remove(dscPath);
            Forget(dscPath);
        }
    }

    /// <summary>Of <paramref name="candidates"/>, the names in <paramref name="folder"/> that a .dsc other than <paramref name="exceptDsc"/> still names (two revisions sharing one orig tarball).</summary>
    public HashSet<string> StillNamed(string folder, string exceptDsc, IEnumerable<string> candidates)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        lock (_lock)
        {
            var own = _parsed.TryGetValue(exceptDsc, out var parsed) && parsed.Dsc is { } dsc
                ? dsc.Files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var name in candidates)
            {
                var claims = _claims.GetValueOrDefault(Path.Combine(folder, name)) - (own.Contains(name) ? 1 : 0);
                if (claims > 0)
                    names.Add(name);
            }
        }
        return names;
    }

    private static IEnumerable<string> Names(IncomingUpload u) =>
        u.Files.Select(f => f.Name).Concat(u.BadEntries).Concat(u.Changes).Append(u.DscName);

    /// <summary>The unix user owning <paramref name="path"/> ("uid N" when the user database has no name for it).</summary>
    private static string? OwnerOf(string path) => IncomingEntry.Look(path) is { } info
        ? Execution.Sandbox.SlotAccount.Find(info.Owner)?.Name ?? $"uid {info.Owner}"
        : null;

    private IncomingUpload? Consider(string product, string folder, string dscName, DateTimeOffset now, HashSet<string> named, UploadOrigin origin)
    {
        // SSH and HTTP areas are written in place (sftp renames nothing): a file is only read once
        // nobody has written to it for a while, so a .dsc or .changes is never parsed half-written.
        var inPlace = origin.Channel != UploadChannel.Local;
        var path = Path.Combine(folder, dscName);
        var seen = IncomingEntry.Look(path);
        if (seen is not { } info)
            return null;
        if (!_firstSeen.TryGetValue(path, out var firstSeen))
        {
            // A .dsc that was already here when we started counts from its mtime, so a silo that
            // was down does not make an incomplete upload wait twice.
            _firstSeen[path] = firstSeen = info.IsRegular && info.Modified < now ? info.Modified : now;
        }
        // Nobody is still writing it: unchanged for a while (a pipe or link has no writes to wait for).
        var stable = info.IsRegular ? now - info.Modified >= stableFor : now - firstSeen >= stableFor;
        var (stemSource, stemVersion) = FromName(dscName);

        var unsafeName = FileNames.Problem(dscName);
        if (unsafeName is not null || dscName[0] == '.')
        {
            return stable
                ? Reject(product, folder, dscName, stemSource, stemVersion, null,
                    [$"unsafe .dsc file name: {unsafeName ?? $"'{dscName}' starts with '.' (hidden files are not taken)"}, so it was not read"], [dscName])
                : null;
        }
        if (!info.IsRegular)
        {
            return stable
                ? Reject(product, folder, dscName, stemSource, stemVersion, null, [IncomingEntry.NotRegular(dscName, info.Kind)], [dscName])
                : null;
        }
        if (inPlace && !stable)
            return null;
        if (info.Size > limits.MaxDscBytes)
        {
            return stable
                ? Reject(product, folder, dscName, stemSource, stemVersion, null,
                    [$"{dscName}: is {Bytes(info.Size)}, more than the {Bytes(limits.MaxDscBytes)} a .dsc may have (Autobuilder:Intake:MaxDscBytes), so it was not read"], [])
                : null;
        }

        var parsed = Parse(path, dscName, info, limits.MaxDscBytes);
        if (parsed.Dsc is not { } dsc)
        {
            return stable
                ? Reject(product, folder, dscName, stemSource, stemVersion, parsed.Bytes, [parsed.Error!], [])
                : null;
        }
        named.UnionWith(dsc.Files.Select(f => f.Name));
        var source = dsc.Source;
        var version = dsc.Version;

        var problems = Limits(dsc, dscName);
        if (problems.Count > 0)
            return Reject(product, folder, dscName, source, version, parsed.Bytes, problems, [], PresentFiles(folder, dsc, dscName));

        var files = new List<NamedFile>();
        var bad = new List<string>();
        var waiting = new List<string>();
        foreach (var f in dsc.Files)
        {
            var look = IncomingEntry.Look(Path.Combine(folder, f.Name));
            if (look is not { } e)
                waiting.Add($"{f.Name}: missing (named in {dscName} but not uploaded within {incompleteAfter.TotalSeconds:0} s)");
            else if (!e.IsRegular)
            {
                problems.Add(IncomingEntry.NotRegular(f.Name, e.Kind));
                bad.Add(f.Name);
            }
            else if (e.Size > f.Size)
            {
                problems.Add($"{f.Name}: size mismatch: expected {f.Size} bytes as {dscName} lists, found {e.Size} (a wrong or changed file, not read)");
                files.Add(new NamedFile(f.Name, f.Size, e));
            }
            else if (e.Size < f.Size)
            {
                waiting.Add($"{f.Name}: only {e.Size} of the {f.Size} bytes {dscName} lists arrived within {incompleteAfter.TotalSeconds:0} s (incomplete upload)");
                files.Add(new NamedFile(f.Name, f.Size, e));
            }
            else
                files.Add(new NamedFile(f.Name, f.Size, e));
        }
        // The unit: a .changes made with this .dsc (dput sends it last) brings its own files
        // (the .buildinfo), and the upload is complete only when it and all it names are.
        var unit = ChangesOf(folder, dscName, dsc, now, inPlace);
        if (unit.Wait)
            return now - firstSeen >= incompleteAfter
                ? Reject(product, folder, dscName, source, version, parsed.Bytes,
                    [$"{unit.Name}: not complete within {incompleteAfter.TotalSeconds:0} s (still being written, or cannot be read)"], [], files, unit.Name is null ? null : [unit.Name])
                : null;
        IReadOnlyList<string> changes = unit.Name is null ? [] : [unit.Name];
        if (unit.Problem is { } changesProblem)
            problems.Add(changesProblem);
        if (unit.Changes is { } changesFile && changesFile.Files.Any(f => f.Name == dscName))
        {
            named.UnionWith(changesFile.Files.Select(f => f.Name));
            problems.AddRange(Limits(changesFile.Files, unit.Name!, dscName));
            foreach (var f in changesFile.Files.Where(f => f.Name != dscName && FileNames.IsSafe(f.Name) && f.Name[0] != '.'))
            {
                if (dsc.Files.FirstOrDefault(d => d.Name == f.Name) is { } both)
                {
                    if (both.Size != f.Size)
                        problems.Add($"{f.Name}: {unit.Name} lists {f.Size} bytes but {dscName} lists {both.Size}");
                    continue;
                }
                if (files.Any(x => x.Name == f.Name))
                    continue;
                var look = IncomingEntry.Look(Path.Combine(folder, f.Name));
                if (look is not { } e)
                    waiting.Add($"{f.Name}: missing (named in {unit.Name} but not uploaded within {incompleteAfter.TotalSeconds:0} s)");
                else if (!e.IsRegular)
                {
                    problems.Add(IncomingEntry.NotRegular(f.Name, e.Kind));
                    bad.Add(f.Name);
                }
                else if (e.Size > f.Size)
                {
                    problems.Add($"{f.Name}: size mismatch: expected {f.Size} bytes as {unit.Name} lists, found {e.Size} (a wrong or changed file, not read)");
                    files.Add(new NamedFile(f.Name, f.Size, e));
                }
                else if (e.Size < f.Size)
                {
                    waiting.Add($"{f.Name}: only {e.Size} of the {f.Size} bytes {unit.Name} lists arrived within {incompleteAfter.TotalSeconds:0} s (incomplete upload)");
                    files.Add(new NamedFile(f.Name, f.Size, e));
                }
                else
                    files.Add(new NamedFile(f.Name, f.Size, e));
            }
        }
        if (problems.Count > 0)
            return stable ? Reject(product, folder, dscName, source, version, parsed.Bytes, problems, bad, files, changes) with { ChangesName = unit.Name, ChangesBytes = unit.Bytes } : null;
        if (waiting.Count > 0)
        {
            return now - firstSeen >= incompleteAfter
                ? Reject(product, folder, dscName, source, version, parsed.Bytes, waiting, [], files, changes) with { ChangesName = unit.Name, ChangesBytes = unit.Bytes }
                : null;
        }
        if (inPlace)
        {
            // Written in place: a file of its full size may still be rewritten; wait until nothing
            // changed for a while. A .dsc without its .changes waits longer for dput's last file.
            var latest = files.Select(f => f.Seen.Modified).Append(info.Modified).Max();
            var quiet = unit.Name is null ? TimeSpan.FromSeconds(limits.BareDscSeconds) : stableFor;
            if (now - latest < quiet)
                return null;
        }
        return new IncomingUpload(product, folder, dscName, source, version, parsed.Bytes, files, changes, [], [], files.Sum(f => f.Size))
        {
            ChangesName = unit.Name,
            ChangesBytes = unit.Bytes,
        };
    }

    private sealed record Unit(string? Name, ChangesFile? Changes, byte[]? Bytes, string? Problem, bool Wait);

    /// <summary>
    /// The .changes made with this .dsc (named source_version_*.changes, as dpkg-genchanges names
    /// it), read like the .dsc: regular files only, bounded, not followed. One that names another
    /// .dsc is still taken with the upload, so the check that refuses it can say so.
    /// </summary>
    private Unit ChangesOf(string folder, string dscName, DscFile dsc, DateTimeOffset now, bool inPlace)
    {
        var prefix = Path.GetFileNameWithoutExtension(dscName) + "_";
        Unit? found = null;
        foreach (var name in _changesHere.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (FileNames.Problem(name) is not null || name[0] == '.')
                continue;
            var path = Path.Combine(folder, name);
            if (IncomingEntry.Look(path) is not { IsRegular: true } e)
                continue;
            if (e.Size > limits.MaxDscBytes)
                return new Unit(name, null, null, $"{name}: is {Bytes(e.Size)}, more than the {Bytes(limits.MaxDscBytes)} a .changes may have (Autobuilder:Intake:MaxDscBytes), so it was not read", false);
            var stable = now - e.Modified >= stableFor;
            if (inPlace && !stable)
                return new Unit(name, null, null, null, true);
            var parsed = Parse(path, name, e, limits.MaxDscBytes, changes: true);
            if (parsed.Changes is not { } changes)
                return stable ? new Unit(name, null, parsed.Bytes, parsed.Error, false) : new Unit(name, null, null, null, true);
            var unit = new Unit(name, changes, parsed.Bytes, null, false);
            if (changes.Files.Any(f => f.Name == dscName))
                return unit;
            found ??= unit;
        }
        return found ?? new Unit(null, null, null, null, false);
    }
    /// <summary>The limits and names, all from the .dsc alone: nothing it names is opened before they pass.</summary>
    private List<string> Limits(DscFile dsc, string dscName) => Limits(dsc.Files, dscName, null);

    /// <summary>The same limits for a control file's list; a .changes names the .dsc (<paramref name="allowed"/>) as one of its files.</summary>
    private List<string> Limits(IReadOnlyList<Autobuilder.Debian.Checksums.FileEntry> list, string dscName, string? allowed)
    {
        var problems = new List<string>();
        if (list.Count > limits.MaxFiles)
            problems.Add($"{dscName}: names {list.Count} files, more than the {limits.MaxFiles} an upload may have (Autobuilder:Intake:MaxFiles)");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var f in list.Where(f => f.Name != allowed))
        {
            if (FileNames.Problem(f.Name) is { } why)
                problems.Add($"{dscName}: unsafe file name: {why}");
            else if (f.Name[0] == '.')
                problems.Add($"{dscName}: unsafe file name: '{f.Name}' starts with '.' (hidden files are not taken)");
            else if (f.Name == dscName)
                problems.Add($"{dscName}: names itself in its Files list (a .dsc cannot be one of its own files)");
            else if (!seen.Add(f.Name))
                problems.Add($"{dscName}: names {f.Name} twice");
            if (f.Size > limits.MaxFileBytes)
                problems.Add($"{f.Name}: {dscName} lists {Bytes(f.Size)}, more than the {Bytes(limits.MaxFileBytes)} one file may have (Autobuilder:Intake:MaxFileBytes), so it was not read");
            total += f.Size;
        }
        if (total > limits.MaxUploadBytes)
            problems.Add($"{dscName}: its files add up to {Bytes(total)}, more than the {Bytes(limits.MaxUploadBytes)} an upload may have (Autobuilder:Intake:MaxUploadBytes)");
        return problems;
    }

    /// <summary>The named files that are there as regular files, with safe names: they go with a rejected upload.</summary>
    private static List<NamedFile> PresentFiles(string folder, DscFile dsc, string dscName)
    {
        var files = new List<NamedFile>();
        foreach (var f in dsc.Files.DistinctBy(f => f.Name))
        {
            if (!FileNames.IsSafe(f.Name) || f.Name[0] == '.' || f.Name == dscName)
                continue;
            if (IncomingEntry.Look(Path.Combine(folder, f.Name)) is { IsRegular: true } e)
                files.Add(new NamedFile(f.Name, f.Size, e));
        }
        return files;
    }

    // The .changes names of the folder being scanned (read once per scan, not once per .dsc).
    private List<string> _changesHere = [];

    // How many parsed .dsc files name each path: what another upload still needs, without a pass over them all.
    private readonly Dictionary<string, int> _claims = new(StringComparer.Ordinal);

    private void Claim(string dscPath, Parsed? parsed, int delta)
    {
        if (parsed?.Dsc is not { } dsc)
            return;
        var folder = Path.GetDirectoryName(dscPath)!;
        foreach (var name in dsc.Files.Select(f => f.Name).Distinct())
        {
            var key = Path.Combine(folder, name);
            var count = _claims.GetValueOrDefault(key) + delta;
            if (count > 0)
                _claims[key] = count;
            else
                _claims.Remove(key);
        }
    }

    private void Forget(string dscPath)
    {
        if (_parsed.Remove(dscPath, out var parsed))
            Claim(dscPath, parsed, -1);
    }

    private Parsed Parse(string path, string dscName, EntryInfo info, long maxBytes, bool changes = false)
    {
        if (_parsed.TryGetValue(path, out var cached) && cached.Seen == info)
            return cached;
        Parsed parsed;
        using (var handle = IncomingEntry.OpenRegular(path, info, out _, out var problem))
        {
            if (handle is null)
                parsed = new Parsed(info, null, null, problem);
            else
            {
                var bytes = IntakeCopy.ReadAll(handle, limits.MaxDscBytes);
                try
                {
                    parsed = bytes.Length > maxBytes
                        ? new Parsed(info, null, null, $"{dscName}: grew beyond {Bytes(maxBytes)}, the most a .dsc or .changes may have (Autobuilder:Intake:MaxDscBytes)")
                        : changes ? new Parsed(info, null, bytes, null) { Changes = ChangesFile.Parse(bytes, dscName) }
                        : new Parsed(info, DscFile.Parse(bytes, dscName), bytes, null);
                }
                catch (DebianFormatException ex)
                {
                    parsed = new Parsed(info, null, bytes, $"{dscName} cannot be read: {ex.Message}");
                }
            }
        }
        Forget(path);
        _parsed[path] = parsed;
        Claim(path, parsed, +1);
        return parsed;
    }

    private List<StrayEntry> Strays(string folder, List<string> names, HashSet<string> named, DateTimeOffset now)
    {
        var strays = new List<StrayEntry>();
        var stems = names.Where(n => n.EndsWith(".dsc", StringComparison.Ordinal)).Select(n => n[..^4] + "_").ToList();
        OrphanChanges(folder, names, named, stems, now, strays);
        foreach (var name in names)
        {
            if (named.Contains(name) || name.EndsWith(".dsc", StringComparison.Ordinal)
                || (name.EndsWith(".changes", StringComparison.Ordinal) && stems.Any(s => name.StartsWith(s, StringComparison.Ordinal))))
                continue;
            var path = Path.Combine(folder, name);
            if (IncomingEntry.Look(path) is not { } e)
                continue;
            if (e.IsRegular)
            {
                Leftover(folder, name, e, now, strays);
                continue;
            }
            if (!_firstSeen.TryGetValue(path, out var first))
                _firstSeen[path] = first = now;
            if (now - first >= TimeSpan.FromSeconds(limits.StraySeconds))
                strays.Add(new StrayEntry(folder, name, $"{FileNames.Printable(name)} is {e.Describe()}: intake takes only regular files, and no .dsc names it"));
        }
        return strays;
    }

    /// <summary>
    /// A regular file no .dsc here names, unchanged for the incomplete-upload wait: left behind by an
    /// upload that was rejected before its files were known (a .dsc that cannot be read), or sent
    /// without its .dsc. Set aside with its reason instead of lying in incoming forever.
    /// </summary>
    private void Leftover(string folder, string name, EntryInfo e, DateTimeOffset now, List<StrayEntry> strays)
    {
        if (!FileNames.IsSafe(name) || name[0] == '.' || strays.Any(s => s.Name == name))
            return;
        var path = Path.Combine(folder, name);
        // From when this scan first saw it (not its mtime, which scp -p keeps), and unchanged meanwhile.
        if (!_firstSeen.TryGetValue(path, out var first))
            _firstSeen[path] = first = now;
        if (now - first >= incompleteAfter && now - e.Modified >= stableFor)
            strays.Add(new StrayEntry(folder, name,
                $"{name} is named by no .dsc here after {incompleteAfter.TotalSeconds:0} s: left from an upload that was rejected or never completed (put the .dsc with the files it names)"));
    }

    /// <summary>
    /// A .changes no .dsc here goes with (a binary-only upload, or one whose .dsc never came) would
    /// otherwise lie in incoming forever, unexplained: after the incomplete-upload wait it is set
    /// aside with its reason, and the files only it names with it.
    /// </summary>
    private void OrphanChanges(string folder, List<string> names, HashSet<string> named, List<string> stems, DateTimeOffset now, List<StrayEntry> strays)
    {
        foreach (var name in names.Where(n => n.EndsWith(".changes", StringComparison.Ordinal) && !named.Contains(n)
            && !stems.Any(s => n.StartsWith(s, StringComparison.Ordinal)) && FileNames.IsSafe(n) && n[0] != '.'))
        {
            var path = Path.Combine(folder, name);
            if (IncomingEntry.Look(path) is not { IsRegular: true } e)
                continue;
            // Counted from when this scan first saw it, never from its mtime: scp -p and rsync -t
            // keep a file's old mtime, and such a file may have landed a moment ago.
            if (!_firstSeen.TryGetValue(path, out var first))
                _firstSeen[path] = first = now;
            if (now - first < incompleteAfter || now - e.Modified < stableFor)
                continue;
            var changes = e.Size > limits.MaxDscBytes ? null : Parse(path, name, e, limits.MaxDscBytes, changes: true).Changes;
            var dscs = changes?.Files.Where(f => f.Name.EndsWith(".dsc", StringComparison.Ordinal)).Select(f => f.Name).ToList() ?? [];
            var why = changes is null ? "cannot be read as a .changes, and no .dsc goes with it"
                : dscs.Count == 0 ? $"names no .dsc (its Architecture is '{string.Join(" ", changes.Architectures)}'): this autobuilder takes source uploads and builds them itself, a binary-only upload is not taken"
                : $"names {string.Join(", ", dscs.Select(FileNames.Printable))}, which is not here after {incompleteAfter.TotalSeconds:0} s (never uploaded, or taken or rejected without this .changes)";
            strays.Add(new StrayEntry(folder, name, $"{name} {why}"));
            foreach (var file in changes?.Files ?? [])
            {
                if (!named.Contains(file.Name) && FileNames.IsSafe(file.Name) && file.Name[0] != '.' && names.Contains(file.Name)
                    && IncomingEntry.Look(Path.Combine(folder, file.Name)) is { IsRegular: true })
                    strays.Add(new StrayEntry(folder, file.Name, $"{file.Name} is named only by {name}, which {why}"));
            }
        }
    }

    private static IncomingUpload Reject(string product, string folder, string dscName, string source, string version, byte[]? bytes,
        IReadOnlyList<string> problems, IReadOnlyList<string> bad, IReadOnlyList<NamedFile>? files = null, IReadOnlyList<string>? changes = null) =>
        new(product, folder, dscName, source, version, bytes, files ?? [], changes ?? [], problems, bad, 0);

    /// <summary>Source and version from a .dsc's file name (source_version.dsc), for one that cannot be read.</summary>
    private static (string Source, string Version) FromName(string dscName)
    {
        var stem = dscName[..^4];
        var underscore = stem.IndexOf('_');
        return underscore > 0 ? (stem[..underscore], stem[(underscore + 1)..]) : (stem, "unknown");
    }

    internal static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n} bytes ({n / (double)(1L << 30):0.#} GiB)",
        >= 1L << 20 => $"{n} bytes ({n / (double)(1L << 20):0.#} MiB)",
        _ => $"{n} bytes",
    };
}
