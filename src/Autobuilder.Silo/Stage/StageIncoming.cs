using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Autobuilder.Debian;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Deb;
using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Debian.Versions;
using Autobuilder.Grains.Stage;

namespace Autobuilder.Silo.Stage;

/// <summary>
/// Reads a .changes in repo-incoming with the Debian-format core: the files it names (names,
/// presence, sizes, MD5/SHA-1/SHA-256), each .deb's control paragraph (which must agree with the
/// .deb's name and the .changes), the .dsc when there is one. Accepted uploads leave the queue;
/// rejected ones move, whole, to a folder of their own. The queue is fed by builds, so only regular
/// files are read (no link followed, no FIFO opened); anything else is named in the rejection.
/// </summary>
public sealed partial class StageIncoming(StageFolders folders, IDebControlReader debs, TimeProvider time) : IStageIncoming
{
    /// <summary>The reasons, written beside a rejected upload's files.</summary>
    public const string ReasonsFile = "REJECTED.txt";

    // A .changes is a few KiB; one of many MiB is not read into memory.
    private const long MaxChangesBytes = 4 << 20;

    // Debian Policy §5.6.1 (source) and §5.6.7 (binary package names).
    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex PackageName();

    public Task<ChangesInspection?> InspectAsync(string repository, string product, string changesFile, CancellationToken ct = default) =>
        Task.Run(() => Inspect(repository, product, changesFile), ct);

    private ChangesInspection? Inspect(string repository, string product, string name) => Inspect(folders.Incoming(repository, product), name);

    private ChangesInspection? Inspect(string folder, string name)
    {
        FileNames.Require(name, "queued .changes");
        var path = Path.Combine(folder, name);
        if (!Files.RegularFile.Exists(path))
            return null;
        byte[] bytes;
        try
        {
            bytes = Files.RegularFile.ReadAllBytes(path, MaxChangesBytes);
        }
        catch (IOException ex) when (Files.RegularFile.Exists(path))
        {
            return new ChangesInspection(name, folder, "", null, null, null, [], [], null, [name],
                [$"{name} cannot be read: {ex.Message.Replace(path, name, StringComparison.Ordinal)}"]);
        }
        catch (IOException)
        {
            return null;
        }
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        ChangesFile changes;
        try
        {
            changes = ChangesFile.Parse(bytes, name);
        }
        catch (DebianFormatException ex)
        {
            return new ChangesInspection(name, folder, sha256, null, null, null, [], [], null, [name], [$"{name} cannot be read: {ex.Message}"]);
        }

        var problems = new List<string>();
        if (!PackageName().IsMatch(changes.Source))
            problems.Add($"source name '{changes.Source}' is not valid (Debian Policy 5.6.1)");
        if (!DebianVersion.TryParse(changes.Version, out _, out var versionError))
            problems.Add($"{name}: {versionError}");
        var present = changes.Files.Select(f => f.Name).Where(FileNames.IsSafe).Where(n => Files.RegularFile.Exists(Path.Combine(folder, n))).Append(name).ToList();

        // A name that is a link, FIFO, device or folder is refused before anything opens it.
        var notRegular = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in changes.Files.Where(f => FileNames.IsSafe(f.Name)))
        {
            var filePath = Path.Combine(folder, file.Name);
            if (Files.RegularFile.Exists(filePath) && Files.RegularFile.Problem(filePath) is { } kind)
            {
                problems.Add($"{file.Name}: {kind}");
                notRegular.Add(file.Name);
            }
        }
        var fileProblems = UploadFileVerifier.Verify([.. changes.Files.Where(f => !notRegular.Contains(f.Name))], folder, name);
        problems.AddRange(fileProblems.Select(p => p.Message));
        var broken = fileProblems.Select(p => p.FileName).Concat(notRegular).ToHashSet(StringComparer.Ordinal);
        foreach (var f in changes.Files.Where(f => f.Sha1 is null))
            problems.Add($"{f.Name}: not listed in Checksums-Sha1 (rebuild the .changes with a current dpkg-genchanges)");

        var binaries = new List<IncomingBinary>();
        IncomingSource? source = null;
        foreach (var file in changes.Files.Where(f => !broken.Contains(f.Name) && FileNames.IsSafe(f.Name)))
        {
            var filePath = Path.Combine(folder, file.Name);
            if (file.Name.EndsWith(".deb", StringComparison.Ordinal))
            {
                if (ReadBinary(file, filePath, changes, problems) is { } binary)
                    binaries.Add(binary);
            }
            else if (file.Name.EndsWith(".udeb", StringComparison.Ordinal))
            {
                problems.Add($"{file.Name}: .udeb packages (debian-installer) are not published by this archive");
            }
            else if (file.Name.EndsWith(".dsc", StringComparison.Ordinal))
            {
                if (source is not null)
                    problems.Add($"{name} names more than one .dsc");
                source = ReadSource(file, filePath, changes, problems);
            }
        }
        return new ChangesInspection(name, folder, sha256, changes.Source, changes.Version, changes.Distribution, changes.Files, binaries, source, present, problems);
    }

    private IncomingBinary? ReadBinary(FileEntry file, string path, ChangesFile changes, List<string> problems)
    {
        Debian.Control.ControlParagraph control;
        try
        {
            control = debs.ReadControl(path);
        }
        catch (Exception ex) when (ex is DebianFormatException or IOException or InvalidDataException)
        {
            problems.Add($"{file.Name}: not a readable .deb: {ex.Message.Replace(path, file.Name, StringComparison.Ordinal)}");
            return null;
        }
        var package = control["Package"];
        var version = control["Version"];
        var arch = control["Architecture"];
        if (package is null || version is null || arch is null)
        {
            problems.Add($"{file.Name}: its control file lacks Package, Version or Architecture");
            return null;
        }
        if (!PackageName().IsMatch(package))
            problems.Add($"{file.Name}: package name '{package}' is not valid (Debian Policy 5.6.7)");
        var plainVersion = version.Contains(':') ? version[(version.IndexOf(':') + 1)..] : version;
        var expected = $"{package}_{plainVersion}_{arch}.deb";
        if (file.Name != expected)
            problems.Add($"{file.Name}: its control file says {package} {version} for {arch}, so it must be named {expected}");
        if (changes.Binaries.Count > 0 && !changes.Binaries.Contains(package, StringComparer.Ordinal))
            problems.Add($"{file.Name}: package {package} is not in the .changes' Binary field ({string.Join(" ", changes.Binaries)})");
        if (changes.Architectures.Count > 0 && !changes.Architectures.Contains(arch, StringComparer.Ordinal))
            problems.Add($"{file.Name}: architecture {arch} is not in the .changes' Architecture field ({string.Join(" ", changes.Architectures)})");
        try
        {
            // The pool folder is the source's: a .deb of another source must not slip into it.
            var entry = PackagesEntry.FromControl(control, file.Name, new ChecksumSet(file.Size, file.Md5 ?? "", file.Sha1 ?? new string('0', 40), file.Sha256 ?? ""));
            if (entry.Source != changes.Source)
                problems.Add($"{file.Name}: built from source {entry.Source}, but the .changes is for {changes.Source}");
            // "Source: name (version)" in a .changes names the source version of a binary-only rebuild.
            var sourceField = changes.Paragraph["Source"] ?? "";
            var open = sourceField.IndexOf('(');
            var sourceVersion = open > 0 ? sourceField[(open + 1)..].TrimEnd(')', ' ') : changes.Version;
            if (entry.SourceVersion != sourceVersion)
                problems.Add($"{file.Name}: built from {entry.Source} {entry.SourceVersion}, but the .changes is for version {sourceVersion}");
        }
        catch (DebianFormatException ex)
        {
            problems.Add($"{file.Name}: {ex.Message}");
            return null;
        }
        return new IncomingBinary(file, control);
    }

    private static IncomingSource? ReadSource(FileEntry file, string path, ChangesFile changes, List<string> problems)
    {
        try
        {
            var dsc = DscFile.Load(path);
            if (dsc.Source != changes.Source || dsc.Version != changes.Version)
                problems.Add($"{file.Name}: is {dsc.Source} {dsc.Version}, but the .changes is for {changes.Source} {changes.Version}");
            foreach (var named in dsc.Files.Where(f => f.Sha256 is null))
                problems.Add($"{file.Name}: {named.Name} has no SHA-256 sum in the .dsc");
            return new IncomingSource(dsc, file);
        }
        catch (DebianFormatException ex)
        {
            problems.Add($"{file.Name} cannot be read: {ex.Message}");
            return null;
        }
    }

    public Task FinishAsync(string repository, string product, ChangesInspection inspection, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            // The files are in the pool now (hard links); the .changes goes last, so a crash before
            // this point leaves a complete .changes in the queue, which the journal recognises.
            foreach (var name in inspection.Present.Where(n => n != inspection.ChangesFile))
                File.Delete(Path.Combine(inspection.Folder, name));
            var kept = Path.Combine(folders.Database(repository, product), "accepted");
            Directory.CreateDirectory(kept);
            var source = Path.Combine(inspection.Folder, inspection.ChangesFile);
            if (File.Exists(source))
                File.Move(source, Path.Combine(kept, inspection.ChangesFile), overwrite: true);
            // No sync: should a crash undo these removals, the .changes comes back, the journal knows
            // its SHA-256, and it is cleared again. (A sync per upload was a third of an import's time.)
        }, ct);

    public Task<string> RejectAsync(string repository, string product, ChangesInspection inspection, IReadOnlyList<string> reasons, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            // A folder of its own per rejection (time and a random part): a second bad upload of the
            // same name never meets the first one's folder — the seed's endless "already exists".
            var stem = Path.GetFileNameWithoutExtension(inspection.ChangesFile);
            var target = Path.Combine(folders.Rejected(repository, product),
                $"{stem}.{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..8]}");
            Directory.CreateDirectory(target);
            foreach (var name in inspection.Present.Where(n => n != inspection.ChangesFile))
                MoveIfThere(Path.Combine(inspection.Folder, name), Path.Combine(target, name));
            File.WriteAllLines(Path.Combine(target, ReasonsFile),
                [$"{inspection.ChangesFile} was rejected by {repository}/{product}:", .. reasons.Select(r => "  " + r)]);
            MoveIfThere(Path.Combine(inspection.Folder, inspection.ChangesFile), Path.Combine(target, inspection.ChangesFile));
            Posix.Sync(inspection.Folder);
            return target;
        }, ct);

    private static void MoveIfThere(string from, string to)
    {
        try
        {
            File.Move(from, to);
        }
        catch (FileNotFoundException)
        {
        }
    }
}
