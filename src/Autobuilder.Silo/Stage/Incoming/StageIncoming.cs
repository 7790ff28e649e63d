using System.Security.Cryptography;
using Autobuilder.Acceptance;
using Autobuilder.Debian;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Deb;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Incoming;

namespace Autobuilder.Silo.Stage.Incoming;

/// <summary>
/// Reads a .changes in repo-incoming with the Debian-format core: the sums of the files it names,
/// each intact .deb's control paragraph, the .dsc when there is one — the facts the stage's check
/// list (AcceptanceLists.StageChanges, run by the distribution) decides on. Accepted uploads leave the queue;
/// rejected ones move, whole, to a folder of their own. The queue is fed by builds, so only regular
/// files are read (no link followed, no FIFO opened); anything else is named in the rejection.
/// </summary>
public sealed partial class StageIncoming(StageFolders folders, IDebControlReader debs, TimeProvider time) : IStageIncoming
{
    // A .changes is a few KiB; one of many MiB is not read into memory.
    private const long MaxChangesBytes = 4 << 20;

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
            return Unreadable(name, folder, "", $"{name} cannot be read: {ex.Message.Replace(path, name, StringComparison.Ordinal)}");
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
            return Unreadable(name, folder, sha256, $"{name} cannot be read: {ex.Message}");
        }

        var present = changes.Files.Select(f => f.Name).Where(FileNames.IsSafe).Where(n => Files.RegularFile.Exists(Path.Combine(folder, n))).Append(name).ToList();
        var staged = StagedChanges.Read(name, changes, Take(folder, changes), folder, debs);
        var binaries = staged.Binaries.Where(b => b.Control is not null).Select(b => new IncomingBinary(b.File, b.Control!)).ToList();
        var source = staged.Sources.FirstOrDefault(s => s.Dsc is not null) is { } dsc ? new IncomingSource(dsc.Dsc!, dsc.File) : null;
        return new ChangesInspection(name, folder, sha256, changes.Source, changes.Version, changes.Distribution, changes.Files, binaries, source, present, staged);
    }

    private static ChangesInspection Unreadable(string name, string folder, string sha256, string reason) =>
        new(name, folder, sha256, null, null, null, [], [], null, [name], StagedChanges.Unreadable(name, reason));

    /// <summary>
    /// The sums of every file the .changes names that is a regular file here, each read once; a name
    /// that is a link, FIFO, device or folder is refused before anything opens it.
    /// </summary>
    private static TakenFiles Take(string folder, ChangesFile changes)
    {
        var sums = new Dictionary<string, ChecksumSet>(StringComparer.Ordinal);
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in changes.Files.Where(f => FileNames.IsSafe(f.Name)).DistinctBy(f => f.Name))
        {
            var filePath = Path.Combine(folder, file.Name);
            if (!Files.RegularFile.Exists(filePath))
                continue;
            if (Files.RegularFile.Problem(filePath) is { } kind)
            {
                refused[file.Name] = kind;
                continue;
            }
            try
            {
                using var stream = Files.RegularFile.OpenRead(filePath);
                sums[file.Name] = ChecksumSet.Compute(stream);
            }
            catch (IOException ex)
            {
                refused[file.Name] = ex.Message.Replace(filePath, "", StringComparison.Ordinal).Trim();
            }
        }
        return new TakenFiles(sums, refused);
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

    public Task<string> RejectAsync(string repository, string product, ChangesInspection inspection, IReadOnlyList<CheckRejection> rejections, CancellationToken ct = default) =>
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
            RejectionReport.Write(target, $"{inspection.ChangesFile} was rejected by {repository}/{product}:", rejections);
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
