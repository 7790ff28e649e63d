using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.FileTransfer;
using Autobuilder.Silo.Intake;
using Autobuilder.Silo.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Drop;

/// <summary>
/// A separate drop host's half of intake: finds the complete uploads in its areas
/// &lt;Drop:Root&gt;/&lt;login&gt;/&lt;product&gt;/ with the garage's own scan (<see cref="IncomingScan"/>:
/// a .dsc, or a .changes with its .dsc, and every file it names at its listed size, quiet for a
/// second) and ships each whole to the garage's drop-incoming/&lt;login&gt;/&lt;product&gt;/ through
/// <see cref="IHostFilesGrain"/>: each file under a temporary name, renamed in when complete, the
/// .dsc last, so the garage's intake never sees half an upload. The garage then takes it as an SSH
/// upload of that account, with every check of an upload from its own areas (signature, rights,
/// checksums). A shipped file leaves the area only if it is still the file that was read (an uploader
/// overwriting it meanwhile keeps the new one, which is shipped next). What the scan settles as
/// rejected (incomplete after IncompleteUploadSeconds, over a limit) and leftovers are shipped too,
/// so the garage rejects or sets them aside with its reasons and mail; only what cannot travel (a
/// name that is not a plain file name, anything but a regular file) is set aside here, in this
/// silo's stray/drop/&lt;login&gt;/&lt;product&gt;/, with REASON.txt.
/// </summary>
public sealed partial class DropShipper(
    IGrainFactory grains,
    ClusterHosts hosts,
    DataPaths paths,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<DropShipper> logger)
{
    /// <summary>Where files wait on the garage until they are renamed into an area (a folder no login can be named).</summary>
    public const string PartialFolder = "drop-incoming/.partial";

    private readonly IncomingScan _scan = new(options.Value.Intake, TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(options.Value.IncompleteUploadSeconds), time);

    /// <summary>One pass over every area: ships what is ready. Throws when the garage cannot be reached (the caller waits and tries again).</summary>
    public async Task ShipReadyAsync(CancellationToken ct)
    {
        var root = Path.GetFullPath(options.Value.Uploaders.Drop.Root);
        if (IncomingEntry.Look(root) is not { Kind: EntryKind.Directory })
            return;
        IHostFilesGrain? garage = null;
        IHostFilesGrain Garage() => garage ??= grains.GetGrain<IHostFilesGrain>(hosts.HostOf(SiloRoles.Garage));
        foreach (var area in Directory.EnumerateFileSystemEntries(root))
        {
            var login = Path.GetFileName(area);
            if (!AccountNames.IsValidLogin(login) || IncomingEntry.Look(area) is not { Kind: EntryKind.Directory })
                continue;
            foreach (var folder in Directory.EnumerateFileSystemEntries(area))
            {
                var product = Path.GetFileName(folder);
                if (!FileNames.IsSafe(product) || product[0] == '.' || IncomingEntry.Look(folder) is not { Kind: EntryKind.Directory })
                    continue;
                var (uploads, strays) = _scan.Ready(product, folder, new UploadOrigin(UploadChannel.Ssh, login));
                try
                {
                    foreach (var upload in uploads)
                        await ShipUploadAsync(Garage, login, product, upload, ct);
                }
                finally
                {
                    // Shipped or not, the scan looks again next time: what failed is still in the area.
                    foreach (var upload in uploads)
                        _scan.Done(upload.DscPath);
                }
                foreach (var stray in strays)
                {
                    if (await ShipFileAsync(Garage, folder, stray.Name, login, product, ct, stray.Reason) is { } seen)
                        RemoveIfSame(Path.Combine(folder, stray.Name), seen);
                }
            }
        }
    }

    private async Task ShipUploadAsync(Func<IHostFilesGrain> garage, string login, string product, IncomingUpload upload, CancellationToken ct)
    {
        var shipped = new List<(string Name, EntryInfo Seen)>();
        var names = upload.Files.Select(f => f.Name).Concat(upload.Changes).Concat(upload.BadEntries)
            .Where(n => n != upload.DscName).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (await ShipFileAsync(garage, upload.Folder, name, login, product, ct, null) is { } seen)
                shipped.Add((name, seen));
        }
        // The .dsc last: the garage's scan starts from it.
        if (await ShipFileAsync(garage, upload.Folder, upload.DscName, login, product, ct, null) is { } dsc)
            shipped.Add((upload.DscName, dsc));
        // Two revisions in one area may share an orig tarball: it stays for the other one.
        var stillNamed = _scan.StillNamed(upload.Folder, upload.DscPath, shipped.Select(s => s.Name));
        foreach (var (name, seen) in shipped)
        {
            if (name == upload.DscName || !stillNamed.Contains(name))
                RemoveIfSame(Path.Combine(upload.Folder, name), seen);
        }
        LogShipped(logger, upload.DscName, login, product, shipped.Count, upload.Rejected ? "to be rejected there: " + string.Join("; ", upload.Problems) : "complete");
    }

    /// <summary>
    /// Copies one regular file of an area to the garage's area of the same account and product;
    /// returns what was read (null: not shipped — gone, or set aside here because it cannot travel).
    /// </summary>
    private async Task<EntryInfo?> ShipFileAsync(Func<IHostFilesGrain> garage, string folder, string name, string login, string product,
        CancellationToken ct, string? strayReason)
    {
        var path = Path.Combine(folder, name);
        if (IncomingEntry.Look(path) is not { } entry)
            return null;
        if (!FileNames.IsSafe(name))
        {
            SetAsideHere(folder, name, login, product, strayReason ?? $"{FileNames.Printable(name)} is not a plain file name ({FileNames.Problem(name)}), so it was not shipped to the garage");
            return null;
        }
        using var handle = IncomingEntry.OpenRegular(path, entry, out var info, out var problem);
        if (handle is null)
        {
            if (IncomingEntry.Look(path) is { IsRegular: false })
                SetAsideHere(folder, name, login, product, strayReason ?? problem ?? "not a regular file");
            return null;
        }
        var target = $"drop-incoming/{login}/{product}/{name}";
        var partial = $"{PartialFolder}/{login}.{Guid.NewGuid():N}.part";
        var host = garage();
        try
        {
            // Only the bytes that were there when it was looked at: a file still growing is read again next time.
            var buffer = new byte[(int)Math.Min(HostFileTransfer.ChunkSize, Math.Max(1, info.Size))];
            long offset = 0;
            do
            {
                ct.ThrowIfCancellationRequested();
                var want = (int)Math.Min(buffer.Length, info.Size - offset);
                var read = want == 0 ? 0 : RandomAccess.Read(handle, buffer.AsSpan(0, want), offset);
                // An empty file is written once all the same, so it exists on the other side.
                await host.WriteAsync(partial, offset, read == buffer.Length ? buffer : buffer[..read]);
                offset += read;
                if (read < want || read == 0)
                    break;
            }
            while (offset < info.Size);
            await host.CommitAsync(partial, target);
        }
        catch
        {
            try
            {
                await host.DeleteAsync(partial);
            }
            catch (Exception ex)
            {
                LogCleanupFailed(logger, partial, ex.Message);
            }
            throw;
        }
        return info;
    }

    /// <summary>Removes a shipped file from the area only if it is still the one that was read (same inode, size and time).</summary>
    private static void RemoveIfSame(string path, EntryInfo seen)
    {
        if (IncomingEntry.Look(path) is { IsRegular: true } now && now.Inode == seen.Inode && now.Device == seen.Device
            && now.Size == seen.Size && now.Modified == seen.Modified)
            File.Delete(path);
    }

    /// <summary>Moves what cannot travel to this silo's stray/drop/&lt;login&gt;/&lt;product&gt;/&lt;ticket&gt;/ with its reason (the area is freed).</summary>
    private void SetAsideHere(string folder, string name, string login, string product, string reason)
    {
        var now = time.GetUtcNow();
        var target = Path.Combine(paths.Stray, "drop", login, product, IntakeTicket.New(now));
        Directory.CreateDirectory(target);
        var safeName = FileNames.IsSafe(name) && name != "REASON.txt" ? name : "entry";
        try
        {
            AreaFiles.Relocate(Path.Combine(folder, name), Path.Combine(target, safeName));
        }
        catch (IOException) when (IncomingEntry.Look(Path.Combine(folder, name)) is null)
        {
            Directory.Delete(target);
            return;
        }
        File.WriteAllText(Path.Combine(target, "REASON.txt"),
            $"set aside on the drop host from {Path.Combine(folder, FileNames.Printable(name))} (account {login}) at {now:u}:\n  {reason}\n");
        LogSetAside(logger, reason, target);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drop host: shipped {Dsc} of account {Login} ({Product}, {Files} file(s)) to the garage, {What}")]
    private static partial void LogShipped(ILogger logger, string dsc, string login, string product, int files, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop host: set aside ({Reason}) in {Folder}")]
    private static partial void LogSetAside(ILogger logger, string reason, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop host: the partial copy {Partial} on the garage could not be removed: {Reason}")]
    private static partial void LogCleanupFailed(ILogger logger, string partial, string reason);
}
