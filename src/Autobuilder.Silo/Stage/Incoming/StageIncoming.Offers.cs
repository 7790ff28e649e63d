using Autobuilder.Acceptance;
using System.Text;
using System.Security.Cryptography;
using Autobuilder.Debian;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Debian.Versions;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Incoming;

namespace Autobuilder.Silo.Stage.Incoming;

/// <summary>Reading an upload's offer (issue 12): its build .changes as the queue's are read, and its bare source package.</summary>
public sealed partial class StageIncoming
{
    public Task<ChangesInspection?> InspectOfferedAsync(string folder, string changesFile, CancellationToken ct = default) =>
        Task.Run(() => Inspect(folder, changesFile), ct);

    public Task<ChangesInspection?> InspectSourceAsync(string folder, string dscFile, CancellationToken ct = default) =>
        Task.Run(() => InspectSource(folder, dscFile), ct);

    /// <summary>
    /// An offered source package (a .dsc and its files, no .changes): judged by the stage's list as
    /// the source-only .changes dpkg-genchanges -S would write for it — listing the .dsc with the
    /// sums read here and each of its files with the sums the .dsc gives (so file-sums compares the
    /// files against the signed .dsc, not against themselves).
    /// </summary>
    private ChangesInspection? InspectSource(string folder, string name)
    {
        FileNames.Require(name, "offered .dsc");
        var path = Path.Combine(folder, name);
        if (!Files.RegularFile.Exists(path))
            return null;
        if (Files.RegularFile.Problem(path) is { } kind)
            return Unreadable(name, folder, "", $"{name}: {kind}");
        byte[] bytes;
        try
        {
            bytes = Files.RegularFile.ReadAllBytes(path, MaxChangesBytes);
        }
        catch (IOException ex)
        {
            return Unreadable(name, folder, "", $"{name} cannot be read: {ex.Message.Replace(path, name, StringComparison.Ordinal)}");
        }
        var sums = ChecksumSet.Compute(bytes);
        DscFile dsc;
        try
        {
            dsc = DscFile.Parse(bytes, name);
        }
        catch (DebianFormatException ex)
        {
            return Unreadable(name, folder, sums.Sha256, $"{name} cannot be read: {ex.Message}");
        }
        var entry = new FileEntry(name, sums.Size, sums.Md5, sums.Sha1, sums.Sha256);
        ChangesFile changes;
        try
        {
            changes = ChangesFile.Parse(Encoding.UTF8.GetBytes(SourceChanges(dsc, entry, folder)), name);
        }
        catch (DebianFormatException ex)
        {
            return Unreadable(name, folder, sums.Sha256, $"{name}: {ex.Message}");
        }
        var staged = StagedChanges.Read(name, changes, Take(folder, changes), folder, debs);
        var present = changes.Files.Select(f => f.Name).Where(FileNames.IsSafe).Where(n => Files.RegularFile.Exists(Path.Combine(folder, n))).ToList();
        return new ChangesInspection(name, folder, sums.Sha256, dsc.Source, dsc.Version, null, changes.Files, [], new IncomingSource(dsc, entry), present, staged);
    }

    /// <summary>The text of a source-only .changes for <paramref name="dsc"/>; a sum the .dsc lacks is read from the file here.</summary>
    private static string SourceChanges(DscFile dsc, FileEntry dscEntry, string folder)
    {
        var files = new List<FileEntry> { dscEntry };
        foreach (var f in dsc.Files)
        {
            var onDisk = new Lazy<ChecksumSet?>(() =>
            {
                var p = Path.Combine(folder, f.Name);
                if (!FileNames.IsSafe(f.Name) || Files.RegularFile.Problem(p) is not null || !Files.RegularFile.Exists(p))
                    return null;
                using var stream = Files.RegularFile.OpenRead(p);
                return ChecksumSet.Compute(stream);
            });
            files.Add(new FileEntry(f.Name, f.Size, f.Md5 ?? onDisk.Value?.Md5 ?? "", f.Sha1 ?? onDisk.Value?.Sha1 ?? "", f.Sha256 ?? ""));
        }
        var text = new StringBuilder();
        text.Append("Format: 1.8\n");
        text.Append($"Source: {dsc.Source}\n");
        text.Append("Architecture: source\n");
        text.Append($"Version: {dsc.Version}\n");
        text.Append("Changes:\n .\n");
        text.Append("Checksums-Sha1:\n");
        foreach (var f in files)
            text.Append($" {f.Sha1} {f.Size} {f.Name}\n");
        text.Append("Checksums-Sha256:\n");
        foreach (var f in files)
            text.Append($" {f.Sha256} {f.Size} {f.Name}\n");
        text.Append("Files:\n");
        foreach (var f in files)
            text.Append($" {f.Md5} {f.Size} misc optional {f.Name}\n");
        return text.ToString();
    }
}
