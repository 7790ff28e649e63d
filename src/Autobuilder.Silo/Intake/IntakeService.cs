using Autobuilder.Debian;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Uploads;
using Autobuilder.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Intake;

/// <summary>
/// Watches incoming/&lt;product&gt;/ and turns each complete .dsc (with the files it names) into an
/// upload. React within a second: a file-system watcher wakes the scan at once, and a one-second
/// tick catches what a watcher can miss (and incomplete uploads running out of time). At start it
/// finishes what a crash interrupted and takes whatever arrived while the silo was down.
/// </summary>
public sealed partial class IntakeService(
    IGrainFactory grains,
    DataPaths paths,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<IntakeService> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly AutobuilderOptions _options = options.Value;
    private IncomingScan? _scan;
    private FolderWatch? _watch;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(IntakeService), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken ct)
    {
        _scan = new IncomingScan(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(_options.IncompleteUploadSeconds), time);
        Directory.CreateDirectory(paths.IncomingRoot);
        foreach (var product in _options.Products)
            Directory.CreateDirectory(paths.Incoming(product));
        await RecoverAsync();
        // One watch on the whole incoming tree: a folder for a product we do not build still gets
        // its uploads rejected with a reason, instead of ignored in silence.
        _watch = new FolderWatch(paths.IncomingRoot, ScanAsync, logger);
        _watch.Start();
    }

    private async Task StopAsync(CancellationToken ct)
    {
        if (_watch is not null)
            await _watch.DisposeAsync();
    }

    /// <summary>Takes every ready upload of every product folder; the uploads are delivered in parallel.</summary>
    public async Task ScanAsync()
    {
        var deliveries = new List<Task>();
        foreach (var incoming in Directory.EnumerateDirectories(paths.IncomingRoot))
        {
            var product = Path.GetFileName(incoming);
            foreach (var upload in _scan!.Ready(incoming))
            {
                var folder = Take(product, incoming, upload);
                _scan.Forget(upload.DscPath);
                if (folder is not null)
                    deliveries.Add(DeliverAsync(product, folder));
            }
        }
        await Task.WhenAll(deliveries);
    }

    /// <summary>
    /// Moves an upload out of incoming into uploads/&lt;product&gt;/&lt;ticket&gt;/. The files are
    /// linked into a partial folder first; moving the .dsc in is the single step that commits the
    /// take, so a crash before it leaves the upload in incoming, and after it, in the spool.
    /// </summary>
    private string? Take(string product, string incoming, IncomingUpload upload)
    {
        var spool = Path.Combine(paths.Uploads, product);
        var ticket = IntakeTicket.New(time.GetUtcNow());
        var partial = Path.Combine(spool, ticket + IntakeTicket.PartialSuffix);
        Directory.CreateDirectory(partial);
        var dscName = Path.GetFileName(upload.DscPath);
        var linked = new List<string>();
        foreach (var name in upload.Files.Where(FileNames.IsSafe).Distinct())
        {
            var source = Path.Combine(incoming, name);
            if (!File.Exists(source) || name == dscName)
                continue;
            Storage.FileLinks.LinkOrCopy(source, Path.Combine(partial, name));
            linked.Add(name);
        }
        // A .changes sent with the source (dput) names the uploader in Changed-By.
        var stem = Path.GetFileNameWithoutExtension(dscName);
        foreach (var changes in Directory.EnumerateFiles(incoming, stem + "_*.changes"))
        {
            Storage.FileLinks.LinkOrCopy(changes, Path.Combine(partial, Path.GetFileName(changes)));
            linked.Add(Path.GetFileName(changes));
        }
        try
        {
            File.Move(upload.DscPath, Path.Combine(partial, dscName));
        }
        catch (FileNotFoundException)
        {
            // Someone (another scan, an operator) took the .dsc meanwhile.
            Directory.Delete(partial, recursive: true);
            return null;
        }
        var folder = Path.Combine(spool, ticket);
        Directory.Move(partial, folder);
        Storage.DurableFile.SyncDirectory(spool);

        // Files another waiting .dsc still names stay for it (two revisions sharing one orig tarball).
        var stillNamed = StillNamed(incoming);
        foreach (var name in linked.Where(n => !stillNamed.Contains(n)))
            File.Delete(Path.Combine(incoming, name));
        LogTaken(logger, dscName, product, ticket);
        return folder;
    }

    private static HashSet<string> StillNamed(string incoming)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dsc in Directory.EnumerateFiles(incoming, "*.dsc"))
        {
            try
            {
                names.UnionWith(DscFile.Load(dsc).Files.Select(f => f.Name));
            }
            catch (Exception ex) when (ex is DebianFormatException or IOException)
            {
            }
        }
        return names;
    }

    /// <summary>Hands a spooled upload to its grain. Idempotent: the ticket maps to one upload id.</summary>
    private async Task DeliverAsync(string product, string folder)
    {
        try
        {
            var ticket = Path.GetFileName(folder);
            var dscPath = Directory.EnumerateFiles(folder, "*.dsc").First();
            var dscName = Path.GetFileName(dscPath);
            var (source, version) = NameAndVersion(dscPath);
            var id = await grains.GetGrain<IUploadRegistryGrain>(product).RegisterAsync(ticket, source, version);
            await grains.GetGrain<IUploadGrain>(id).ReceiveAsync(new UploadReceived(ticket, product, dscName, folder, time.GetUtcNow()));
            // The folder may have moved to rejected/ meanwhile; then there is nothing left to mark.
            if (Directory.Exists(folder))
                await File.WriteAllTextAsync(Path.Combine(folder, IntakeTicket.DeliveredMarker), id);
        }
        catch (Exception ex)
        {
            // Left undelivered: the next start of the silo delivers it again.
            LogDeliveryFailed(logger, folder, ex);
        }
    }

    /// <summary>Source and version for the upload id: from the .dsc, else from its file name, made path-safe.</summary>
    private static (string Source, string Version) NameAndVersion(string dscPath)
    {
        string source, version;
        try
        {
            var dsc = DscFile.Load(dscPath);
            (source, version) = (dsc.Source, dsc.Version);
        }
        catch (Exception ex) when (ex is DebianFormatException or IOException)
        {
            var stem = Path.GetFileNameWithoutExtension(dscPath);
            var underscore = stem.IndexOf('_');
            (source, version) = underscore > 0 ? (stem[..underscore], stem[(underscore + 1)..]) : (stem, "unknown");
        }
        return (UploadIds.Safe(source), UploadIds.Safe(version));
    }

    /// <summary>Finishes takes a crash interrupted, and delivers spooled uploads that never reached their grain.</summary>
    private async Task RecoverAsync()
    {
        var deliveries = new List<Task>();
        if (!Directory.Exists(paths.Uploads))
            return;
        foreach (var spool in Directory.EnumerateDirectories(paths.Uploads))
        {
            var product = Path.GetFileName(spool);
            foreach (var dir in Directory.EnumerateDirectories(spool).ToList())
            {
                if (dir.EndsWith(IntakeTicket.PartialSuffix, StringComparison.Ordinal))
                {
                    if (Directory.EnumerateFiles(dir, "*.dsc").Any())
                        Directory.Move(dir, dir[..^IntakeTicket.PartialSuffix.Length]);
                    else
                        Directory.Delete(dir, recursive: true);
                }
            }
            foreach (var dir in Directory.EnumerateDirectories(spool))
            {
                if (!File.Exists(Path.Combine(dir, IntakeTicket.DeliveredMarker)) && Directory.EnumerateFiles(dir, "*.dsc").Any())
                    deliveries.Add(DeliverAsync(product, dir));
            }
        }
        await Task.WhenAll(deliveries);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Took {Dsc} for {Product} as {Ticket}")]
    private static partial void LogTaken(ILogger logger, string dsc, string product, string ticket);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering {Folder} failed; it is tried again at the next start")]
    private static partial void LogDeliveryFailed(ILogger logger, string folder, Exception ex);
}
