using Autobuilder.Acceptance;
using Autobuilder.Debian;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Grains.Uploads.Checks;
using Autobuilder.Silo.Intake;

namespace Autobuilder.Silo.Files;

/// <summary>
/// Reads an upload's files on the garage host with the Debian-format core: the facts the garage's
/// check list decides on (the grain runs it), and the move aside of a rejected upload.
/// </summary>
public sealed class UploadInspector(DataPaths paths) : IUploadInspector
{
    /// <summary>The keyring the account directory publishes: every OpenPGP key it ever held (gpgv checks the math; the directory says whether a key may sign).</summary>
    public string Keyring => paths.AccountsKeyring;

    public Task<UploadInspection> InspectAsync(string product, string ticket, CancellationToken ct = default) =>
        Task.Run(() => Inspect(product, ticket), ct);

    /// <summary>uploads/&lt;product&gt;/&lt;ticket&gt;/, or null when either is not a plain name of the form intake makes.</summary>
    private string? FolderOf(string product, string ticket) =>
        FileNames.IsSafe(product) && IntakeTicket.IsValid(ticket) ? Path.Combine(paths.Uploads, product, ticket) : null;

    private UploadInspection Inspect(string product, string ticket)
    {
        var folder = FolderOf(product, ticket);
        if (folder is null || !Directory.Exists(folder))
            return new(null, null, null, null, [], [$"intake ticket '{FileNames.Printable(ticket)}' for '{FileNames.Printable(product)}' names no upload that intake took"]);
        var manifest = IntakeManifest.Read(folder);
        if (manifest is null)
        {
            // Taken by an older intake, which linked the files and left no manifest: read and hash them here.
            var dscPath = Directory.EnumerateFiles(folder, "*.dsc").FirstOrDefault();
            if (dscPath is null)
                return new(null, null, null, null, [], ["the upload's folder holds no .dsc"], folder);
            return Inspect(folder, Path.GetFileName(dscPath), null) with { Folder = folder, DscFileName = Path.GetFileName(dscPath) };
        }
        var inspection = Inspect(folder, manifest.DscFileName, manifest) with { Folder = folder, DscFileName = manifest.DscFileName, Origin = manifest.Origin };
        if (inspection.Problems.Count > 0 || inspection.Dsc is null)
            return inspection;
        var changes = UploadSignatures.Changes(folder, manifest);
        if (changes.Problem is { } changesProblem)
            return inspection with { ChangesError = changesProblem };
        var signature = UploadSignatures.Verify(Keyring, folder, manifest.DscFileName, manifest.ChangesFileName);
        return inspection with
        {
            Changes = changes.Facts,
            Signature = signature,
            // Changed-By of the .changes taken with the .dsc: what the upload claims (still unverified).
            Uploader = changes.Facts?.ChangedBy is { Length: > 0 } changedBy ? changedBy : inspection.Uploader,
        };
    }

    /// <summary>
    /// The facts of the .dsc and its files for the garage's check list (AcceptanceLists.SourceUpload):
    /// the parsed .dsc (or why it cannot be read), and the sums intake computed while copying.
    /// </summary>
    private static UploadInspection Inspect(string folder, string dscFileName, IntakeManifest? manifest)
    {
        if (manifest is { Problems.Count: > 0 })
        {
            // Intake already knows why (a link, a pipe, a limit, a file that never came): say that,
            // and nothing it did not take is looked at again.
            var known = TryLoad(folder, dscFileName);
            return new(known?.Source ?? manifest.Source, known?.Version ?? manifest.Version, known?.Architecture, known is null ? null : Uploader(folder, known),
                known?.Files.Select(f => f.Name).ToList() ?? [], [.. manifest.Problems], Dsc: known);
        }
        if (FileNames.Problem(dscFileName) is { } unsafeName)
            return new(null, null, null, null, [], [], DscError: $"unsafe .dsc file name: {unsafeName}");
        DscFile dsc;
        try
        {
            dsc = DscFile.Load(Path.Combine(folder, dscFileName));
        }
        catch (Exception ex) when (ex is DebianFormatException or IOException)
        {
            return new(null, null, null, null, [], [], DscError: $"{dscFileName} cannot be read: {ex.Message.Replace(folder + "/", "")}");
        }
        var taken = manifest is null
            ? TakenFiles.Read(folder, dsc.Files)
            : new TakenFiles(manifest.Files.ToDictionary(f => f.Name, f => f.Sums, StringComparer.Ordinal));
        return new(dsc.Source, dsc.Version, dsc.Architecture, Uploader(folder, dsc), dsc.Files.Select(f => f.Name).ToList(), [], Dsc: dsc, Taken: taken);
    }

    private static DscFile? TryLoad(string folder, string dscFileName)
    {
        if (FileNames.Problem(dscFileName) is not null || IncomingEntry.Look(Path.Combine(folder, dscFileName)) is not { IsRegular: true })
            return null;
        try
        {
            return DscFile.Load(Path.Combine(folder, dscFileName));
        }
        catch (Exception ex) when (ex is DebianFormatException or IOException)
        {
            return null;
        }
    }

    /// <summary>Changed-By of a .changes that came with the upload, else the .dsc's Maintainer.</summary>
    private static string? Uploader(string folder, DscFile dsc)
    {
        foreach (var changes in Directory.EnumerateFiles(folder, "*.changes"))
        {
            try
            {
                var paragraph = SignedControlFile.Load(changes).Paragraph;
                if (paragraph["Source"]?.Split(' ')[0] == dsc.Source && paragraph["Changed-By"] is { Length: > 0 } changedBy)
                    return changedBy;
            }
            catch (DebianFormatException)
            {
                // A broken .changes beside a good .dsc does not stop the build; the Maintainer is told.
            }
        }
        return dsc.Maintainer;
    }

    public Task<string> RejectAsync(string product, string ticket, string uploadId, IReadOnlyList<UploadRejection> rejections, CancellationToken ct = default)
    {
        // rejected/<upload id>/ is unique per upload (the id carries a sequence number), so this
        // never meets a folder of another upload: the seed's endless "already exists" crash cannot happen.
        var target = Path.Combine(paths.Rejected, DataPaths.IdPath(uploadId));
        Directory.CreateDirectory(target);
        if (FolderOf(product, ticket) is { } folder && Directory.Exists(folder))
        {
            // Every entry is moved by its name (rename(2)): a link, a pipe or a folder an uploader
            // sent is kept for the operator as it was, never followed, read or deleted.
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
            {
                var to = Path.Combine(target, Path.GetFileName(entry));
                if (IncomingEntry.Look(to) is { Kind: not EntryKind.Directory })
                    File.Delete(to);
                if (IncomingEntry.Look(to) is null)
                    IncomingEntry.Move(entry, to);
            }
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
        }
        // An upload's own file of that name (a link, even) is kept beside it, and never written through.
        var heading = $"upload {uploadId} was rejected:";
        var reasonsPath = Path.Combine(target, RejectionReport.FileName);
        if (IncomingEntry.Look(reasonsPath) is { } existing && (!existing.IsRegular || existing.Size > 65536 || !File.ReadAllText(reasonsPath).StartsWith(heading, StringComparison.Ordinal)))
            IncomingEntry.Move(reasonsPath, reasonsPath + ".upload");
        RejectionReport.Write(target, heading, [.. rejections.Select(r => r.ToCheck())]);
        return Task.FromResult(target);
    }
}
