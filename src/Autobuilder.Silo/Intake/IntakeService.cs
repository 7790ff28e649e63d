using System.Collections.Concurrent;
using System.Threading.Channels;
using Autobuilder.Debian;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
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
/// The scan only looks (lstat) and reads bounded regular .dsc files, so nothing in incoming can
/// stall it; taking an upload (copying and hashing its files) runs on workers, large uploads on
/// their own low-priority workers, so a big upload holds up no small one.
/// </summary>
public sealed partial class IntakeService(
    IGrainFactory grains,
    DataPaths paths,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<IntakeService> logger,
    IDiskReserve? disk = null) : ILifecycleParticipant<ISiloLifecycle>
{
    private const string TakenMarker = ".taken";

    private readonly AutobuilderOptions _options = options.Value;
    private readonly IntakeOptions _limits = options.Value.Intake;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<IncomingUpload> _small = Channel.CreateUnbounded<IncomingUpload>();
    private readonly Channel<IncomingUpload> _large = Channel.CreateUnbounded<IncomingUpload>();
    private readonly LaneGate _gate = new();
    private readonly List<Task> _workers = [];
    private readonly ConcurrentDictionary<string, DateTimeOffset> _retry = new(StringComparer.Ordinal);
    // Per spooled folder whose delivery failed: since when, how many tries (for the back-off and status).
    private readonly ConcurrentDictionary<string, (DateTimeOffset Since, int Attempts)> _failing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _deliveries = new();
    private readonly Dictionary<string, DateTimeOffset> _strayRoot = new(StringComparer.Ordinal);
    private readonly List<FileSystemWatcher> _productWatchers = [];
    private IncomingScan? _scan;
    private FolderWatch? _watch;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(IntakeService), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken ct)
    {
        _scan = new IncomingScan(_limits, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(_options.IncompleteUploadSeconds), time);
        Directory.CreateDirectory(paths.IncomingRoot);
        foreach (var product in _options.Products)
            Directory.CreateDirectory(paths.Incoming(product));
        await RecoverAsync();
        for (var i = 0; i < Math.Max(1, _limits.Workers); i++)
            _workers.Add(Task.Run(() => WorkAsync(_small.Reader)));
        for (var i = 0; i < Math.Max(1, _limits.LargeWorkers); i++)
            _workers.Add(LowPriorityWorker(_large.Reader));
        // incoming/ itself and each product folder are watched one level deep only: a recursive
        // watch would follow whatever tree an uploader puts (or links) there. A folder for a product
        // we do not build is still scanned by the one-second tick, and its uploads rejected with a
        // reason instead of ignored in silence.
        _watch = new FolderWatch(paths.IncomingRoot, ScanAsync, logger, includeSubdirectories: false);
        _watch.Start();
        foreach (var product in _options.Products)
        {
            var watcher = new FileSystemWatcher(paths.Incoming(product))
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
            };
            // A .dsc is an upload's last file here (a .changes must come before it, README): when
            // one takes its name (a rename, or a move from elsewhere, which inotify reports as a
            // creation) the scan need not wait for the burst to settle. A .dsc created empty and
            // still being written is seen as incomplete and looked at again at its next change.
            watcher.Created += (_, e) => _watch.Wake(urgent: IsDsc(e.Name));
            watcher.Changed += (_, _) => _watch.Wake();
            watcher.Renamed += (_, e) => _watch.Wake(urgent: IsDsc(e.Name));
            watcher.EnableRaisingEvents = true;
            _productWatchers.Add(watcher);
        }
    }

    private static bool IsDsc(string? name) => name?.EndsWith(".dsc", StringComparison.Ordinal) == true;

    /// <summary>
    /// Bounded whatever intake is doing: the scan never blocks, copies stop at their next block
    /// (the upload is still in incoming and is taken again at the next start), and what has not
    /// ended after <see cref="IntakeOptions.StopSeconds"/> is left behind.
    /// </summary>
    private async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        foreach (var watcher in _productWatchers)
            watcher.Dispose();
        _small.Writer.TryComplete();
        _large.Writer.TryComplete();
        var all = Task.WhenAll(_workers.Concat(_deliveries.Keys));
        var watch = _watch?.DisposeAsync().AsTask() ?? Task.CompletedTask;
        var bound = Task.Delay(TimeSpan.FromSeconds(_limits.StopSeconds), CancellationToken.None);
        if (await Task.WhenAny(Task.WhenAll(all, watch), bound) == bound)
            LogStopTimedOut(logger, _limits.StopSeconds);
    }

    /// <summary>Hands every ready upload of every product folder to a worker, sets strays aside, retries failed deliveries.</summary>
    public Task ScanAsync()
    {
        foreach (var (folder, due) in _retry)
        {
            if (due <= time.GetUtcNow() && _retry.TryRemove(folder, out _))
                Track(DeliverAsync(Path.GetFileName(Path.GetDirectoryName(folder)!), folder));
        }
        // Under the disk's reserve nothing new is taken: the uploads stay in incoming, whole, and are
        // taken by the first scan after space returns (status and the log say why they wait).
        if (disk?.Now() is { UnderReserve: true })
            return Task.CompletedTask;
        foreach (var incoming in Directory.EnumerateFileSystemEntries(paths.IncomingRoot))
        {
            var name = Path.GetFileName(incoming);
            if (IncomingEntry.Look(incoming) is not { } entry)
                continue;
            if (entry.Kind != EntryKind.Directory || !FileNames.IsSafe(name) || name[0] == '.')
            {
                // A link (incoming/bookworm -> /etc) would make intake take whatever it points at.
                if (!entry.IsRegular && SeenLongEnough(incoming))
                {
                    var why = entry.Kind == EntryKind.Directory ? "a folder whose name is not a product name" : entry.Describe();
                    SetAside(new StrayEntry(paths.IncomingRoot, name, $"incoming/{FileNames.Printable(name)} is {why}, not a product folder"), "incoming");
                }
                continue;
            }
            Hand(name, incoming, new UploadOrigin(UploadChannel.Local, null));
        }
        // The accounts' own areas: the SSH drop (sftp, scp, dput scp) and the HTTP upload.
        var uploaders = _options.Uploaders;
        if (uploaders.Drop.Enabled)
            ScanAreas(uploaders.Drop.Root, UploadChannel.Ssh);
        // What a separate drop host shipped (silo role "drop"): the same SSH areas, moved here whole.
        ScanAreas(paths.DropIncomingRoot, UploadChannel.Ssh);
        if (uploaders.Http.Enabled)
            ScanAreas(paths.HttpIncomingRoot, UploadChannel.Http);
        return Task.CompletedTask;
    }

    private void Hand(string product, string folder, UploadOrigin origin)
    {
        var (uploads, strays) = _scan!.Ready(product, folder, origin);
        foreach (var upload in uploads)
        {
            var large = IsLarge(upload);
            if (!large)
                _gate.SmallWaiting();
            if (!(large ? _large : _small).Writer.TryWrite(upload))
            {
                _scan.Done(upload.DscPath);
                if (!large)
                    _gate.SmallDone();
            }
        }
        foreach (var stray in strays)
            SetAside(stray, product);
        SetAsideNotUtf8(product, folder);
    }

    /// <summary>
    /// Entries whose names are not UTF-8 cannot be named by the scan (see <see cref="RawNames"/>):
    /// after <see cref="IntakeOptions.StraySeconds"/> they are set aside, unread, with their reason.
    /// </summary>
    private void SetAsideNotUtf8(string product, string folder)
    {
        foreach (var raw in RawNames.NotUtf8(folder))
        {
            var printable = RawNames.Printable(raw);
            if (!SeenLongEnough(Path.Combine(folder, printable)))
                continue;
            var now = time.GetUtcNow();
            var target = Path.Combine(paths.Stray, FileNames.IsSafe(product) ? product : "incoming", IntakeTicket.New(now));
            Directory.CreateDirectory(target);
            if (!RawNames.Move(folder, raw, Path.Combine(target, "entry")))
            {
                Directory.Delete(target);
                continue;
            }
            _strayRoot.Remove(Path.Combine(folder, printable));
            var reason = $"the name {printable} is not UTF-8: intake takes only entries named in UTF-8 (as a .dsc names its files), so it was not read (kept here as 'entry')";
            File.WriteAllText(Path.Combine(target, "REASON.txt"), $"set aside from {Path.Combine(folder, printable)} at {now:u}:\n  {reason}\n");
            LogSetAside(logger, reason, target);
        }
    }

    /// <summary>
    /// &lt;root&gt;/&lt;login&gt;/&lt;product&gt;/ of each account: looked at with lstat, folders only
    /// (a link where a login's or product's folder should be is never followed), names a login or
    /// product may have; the drop and HTTP helpers make the folders. The files in them get the same
    /// care as incoming/'s.
    /// </summary>
    private void ScanAreas(string root, UploadChannel channel)
    {
        if (IncomingEntry.Look(root) is not { Kind: EntryKind.Directory })
            return;
        foreach (var area in Directory.EnumerateFileSystemEntries(root))
        {
            var login = Path.GetFileName(area);
            if (!AccountNames.IsValidLogin(login) || IncomingEntry.Look(area) is not { Kind: EntryKind.Directory })
                continue;
            var origin = new UploadOrigin(channel, login);
            foreach (var productFolder in Directory.EnumerateFileSystemEntries(area))
            {
                var product = Path.GetFileName(productFolder);
                if (!FileNames.IsSafe(product) || product[0] == '.' || IncomingEntry.Look(productFolder) is not { Kind: EntryKind.Directory })
                    continue;
                Hand(product, productFolder, origin);
            }
        }
    }

    private bool SeenLongEnough(string path)
    {
        var now = time.GetUtcNow();
        if (!_strayRoot.TryGetValue(path, out var first))
            _strayRoot[path] = first = now;
        return now - first >= TimeSpan.FromSeconds(_limits.StraySeconds);
    }

    private async Task WorkAsync(ChannelReader<IncomingUpload> reader)
    {
        try
        {
            await foreach (var upload in reader.ReadAllAsync(_stop.Token))
                TakeAndDeliver(upload);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>A worker on its own thread at the lowest CPU priority: copying and hashing gigabytes takes only what the small uploads leave.</summary>
    private Task LowPriorityWorker(ChannelReader<IncomingUpload> reader)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            IncomingEntry.LowerThreadPriority();
            try
            {
                while (reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
                {
                    while (reader.TryRead(out var upload))
                        TakeAndDeliver(upload);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            done.TrySetResult();
        })
        { IsBackground = true, Name = "intake-large" };
        thread.Start();
        return done.Task;
    }

    private bool IsLarge(IncomingUpload upload) => upload.TotalBytes > _limits.LargeUploadBytes;

    private void TakeAndDeliver(IncomingUpload upload)
    {
        // A small upload holds the large lane back until its delivery (verification, queueing) is done.
        var holding = !IsLarge(upload);
        try
        {
            if (Take(upload) is { } folder)
            {
                var delivery = DeliverAsync(upload.Product, folder);
                Track(delivery);
                if (holding)
                {
                    delivery.ContinueWith(_ => _gate.SmallDone(), TaskScheduler.Default);
                    holding = false;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Shutting down: the partial folder is removed at the next start, the upload is still in incoming.
        }
        catch (Exception ex)
        {
            LogTakeFailed(logger, upload.DscPath, ex);
        }
        finally
        {
            _scan!.Done(upload.DscPath);
            if (holding)
                _gate.SmallDone();
        }
    }

    private void Track(Task delivery)
    {
        _deliveries[delivery] = true;
        delivery.ContinueWith(t => _deliveries.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// Moves an upload out of incoming into uploads/&lt;product&gt;/&lt;ticket&gt;/. The named files
    /// are copied into a partial folder and hashed on the way; moving the .dsc's name in is the
    /// single step that commits the take, so a crash before it leaves the upload in incoming, and
    /// after it, in the spool. A rejected upload's entries are moved, not read.
    /// </summary>
    private string? Take(IncomingUpload upload)
    {
        var spool = Path.Combine(paths.Uploads, upload.Product);
        var ticket = IntakeTicket.New(time.GetUtcNow());
        var partial = Path.Combine(spool, ticket + IntakeTicket.PartialSuffix);
        Directory.CreateDirectory(partial);
        try
        {
            CopyIn(upload, partial, out var problems, out var copied);
            return Commit(upload, spool, ticket, partial, problems, copied);
        }
        catch (Exception) when (IncomingEntry.Look(Path.Combine(partial, TakenMarker)) is null && Directory.Exists(partial))
        {
            // Not committed: the upload is still in incoming, whole; the copies go.
            Directory.Delete(partial, recursive: true);
            throw;
        }
    }

    private void CopyIn(IncomingUpload upload, string partial, out List<string> problems, out List<string> copied)
    {
        var ct = _stop.Token;
        problems = upload.Problems.ToList();
        var sums = new List<ChecksumSetEntry>();
        copied = [];
        if (problems.Count == 0)
        {
            foreach (var file in upload.Files)
            {
                using var handle = IncomingEntry.OpenRegular(Path.Combine(upload.Folder, file.Name), file.Seen, out var info, out var problem);
                var copy = handle is null ? null : IntakeCopy.CopyAndHash(handle, Path.Combine(partial, file.Name), file.Size, ct, out problem,
                    IsLarge(upload) ? _gate.GiveWay : null);
                if (copy is null)
                {
                    problems.Add(problem!);
                    continue;
                }
                sums.Add(ChecksumSetEntry.Of(file.Name, copy));
                copied.Add(file.Name);
            }
            // The .changes kept is the very bytes that were parsed, like the .dsc.
            if (upload.ChangesName is { } changesName && upload.ChangesBytes is { } changesBytes)
            {
                IntakeCopy.WriteNew(Path.Combine(partial, changesName), changesBytes);
                copied.Add(changesName);
            }
        }
        // The .dsc kept is the very bytes that were parsed and checked, whatever the name holds now.
        if (upload.DscBytes is { } dscBytes)
            IntakeCopy.WriteNew(Path.Combine(partial, upload.DscName), dscBytes);
        new IntakeManifest(upload.DscName, upload.Source, upload.Version, sums, problems, time.GetUtcNow(), upload.Origin,
            upload.ChangesName is { } kept && copied.Contains(kept) ? kept : null).Write(partial);
        DurableFile.SyncDirectory(partial);
    }

    private string? Commit(IncomingUpload upload, string spool, string ticket, string partial, List<string> problems, List<string> copied)
    {
        var takenInPlace = false;
        try
        {
            takenInPlace = !AreaFiles.MoveOrMark(upload.DscPath, Path.Combine(partial, TakenMarker));
        }
        catch (IOException) when (IncomingEntry.Look(upload.DscPath) is null)
        {
            // Someone (an operator, the uploader) removed the .dsc meanwhile.
            Directory.Delete(partial, recursive: true);
            return null;
        }
        var stillNamed = _scan!.StillNamed(upload.Folder, upload.DscPath,
            upload.BadEntries.Concat(upload.Files.Select(f => f.Name)).Concat(upload.Changes).Concat(copied));
        if (problems.Count > 0)
        {
            // Where an operator finds them: the entries that are not regular files, and the
            // upload's other files no other .dsc needs, go to rejected/ with the upload.
            foreach (var name in upload.BadEntries.Concat(upload.Files.Select(f => f.Name)).Concat(upload.Changes).Distinct())
            {
                if (name == upload.DscName || copied.Contains(name) || stillNamed.Contains(name) || !FileNames.IsSafe(name))
                    continue;
                if (IncomingEntry.Look(Path.Combine(upload.Folder, name)) is not null && IncomingEntry.Look(Path.Combine(partial, name)) is null)
                    AreaFiles.Relocate(Path.Combine(upload.Folder, name), Path.Combine(partial, name));
            }
        }
        var folder = Path.Combine(spool, ticket);
        Directory.Move(partial, folder);
        DurableFile.SyncDirectory(spool);
        FinishTaken(folder, upload.DscName);
        // An area on another file system: the .dsc stayed where it was until the commit above.
        if (takenInPlace && IncomingEntry.Look(upload.DscPath) is { IsRegular: true })
            File.Delete(upload.DscPath);

        foreach (var name in copied.Where(n => !stillNamed.Contains(n)))
        {
            // Only what is still the regular file that was copied (a name is never followed).
            if (IncomingEntry.Look(Path.Combine(upload.Folder, name)) is { IsRegular: true })
                File.Delete(Path.Combine(upload.Folder, name));
        }
        LogTaken(logger, upload.DscName, upload.Product, ticket, problems.Count == 0 ? "intact" : string.Join("; ", problems));
        return folder;
    }

    /// <summary>After the commit: the taken .dsc name goes (its bytes were kept), or, when it was not a regular file, stays under its own name for the operator.</summary>
    private static void FinishTaken(string folder, string dscName)
    {
        var taken = Path.Combine(folder, TakenMarker);
        var entry = IncomingEntry.Look(taken);
        if (entry is null)
            return;
        var target = Path.Combine(folder, dscName);
        if (entry.Value.IsRegular && IncomingEntry.Look(target) is not null)
            File.Delete(taken);
        else if (IncomingEntry.Look(target) is null)
            IncomingEntry.Move(taken, target);
    }

    /// <summary>Moves an entry that no upload claims out of incoming, into stray/&lt;product&gt;/&lt;time&gt;-&lt;random&gt;/, with its reason beside it.</summary>
    private void SetAside(StrayEntry stray, string product)
    {
        var now = time.GetUtcNow();
        var target = Path.Combine(paths.Stray, FileNames.IsSafe(product) ? product : "incoming", IntakeTicket.New(now));
        Directory.CreateDirectory(target);
        var safeName = FileNames.IsSafe(stray.Name) && stray.Name != "REASON.txt" ? stray.Name : "entry";
        try
        {
            AreaFiles.Relocate(Path.Combine(stray.Folder, stray.Name), Path.Combine(target, safeName));
        }
        catch (IOException) when (IncomingEntry.Look(Path.Combine(stray.Folder, stray.Name)) is null)
        {
            Directory.Delete(target);
            return;
        }
        File.WriteAllText(Path.Combine(target, "REASON.txt"), $"set aside from {Path.Combine(stray.Folder, FileNames.Printable(stray.Name))} at {now:u}:\n  {stray.Reason}\n");
        LogSetAside(logger, stray.Reason, target);
    }

    /// <summary>Hands a spooled upload to its grain. Idempotent: the ticket maps to one upload id; a failure is retried on a timer.</summary>
    private async Task DeliverAsync(string product, string folder)
    {
        try
        {
            var ticket = Path.GetFileName(folder);
            var (source, version) = NameAndVersion(folder);
            var manifest = IntakeManifest.Read(folder);
            var origin = await WithOperatorAsync(product, folder, manifest);
            var id = await grains.GetGrain<IUploadRegistryGrain>(product).RegisterAsync(ticket, source, version);
            await grains.GetGrain<IUploadGrain>(id).ReceiveAsync(new UploadReceived(ticket, product, time.GetUtcNow(), origin));
            // The folder may have moved to rejected/ meanwhile; then there is nothing left to mark.
            if (Directory.Exists(folder))
                await File.WriteAllTextAsync(Path.Combine(folder, IntakeTicket.DeliveredMarker), id);
            if (_failing.TryRemove(folder, out _))
                await grains.GetGrain<IDeliveryRetriesGrain>(0).DoneAsync(DeliveryKind.Intake, DeliveryName(folder));
        }
        catch (Exception ex)
        {
            if (_stop.IsCancellationRequested)
                return;
            // Tried again on the scan's timer, with back-off, and listed for status while it waits.
            var now = time.GetUtcNow();
            var (since, attempts) = _failing.AddOrUpdate(folder, _ => (now, 1), (_, f) => (f.Since, f.Attempts + 1));
            var delay = Autobuilder.Grains.Retries.Backoff.After(_limits.DeliveryRetrySeconds, attempts);
            _retry[folder] = now + delay;
            LogDeliveryFailed(logger, folder, delay.TotalSeconds, ex);
            try
            {
                await grains.GetGrain<IDeliveryRetriesGrain>(0).WaitingAsync(
                    new PendingDelivery(DeliveryKind.Intake, DeliveryName(folder), since, attempts, now + delay, $"{ex.GetType().Name}: {ex.Message}"));
            }
            catch (Exception)
            {
                // The list is for status; the cluster that refused the delivery may refuse this too.
            }
        }
    }

    /// <summary>
    /// A local upload's origin with the operator whose console claimed its .dsc (same product, name
    /// and bytes) before it appeared in incoming/; asked at every delivery, so a redelivery after a
    /// restart finds the same answer.
    /// </summary>
    private async Task<UploadOrigin?> WithOperatorAsync(string product, string folder, IntakeManifest? manifest)
    {
        var origin = manifest?.Origin;
        if (manifest is null || origin is not { Channel: UploadChannel.Local, Operator: null })
            return origin;
        var dsc = Path.Combine(folder, manifest.DscFileName);
        if (IncomingEntry.Look(dsc) is not { IsRegular: true })
            return origin;
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(dsc)));
        var who = await grains.GetGrain<ILocalUploadClaimsGrain>(0).FindAsync(new LocalUploadClaim(product, manifest.DscFileName, sha256));
        return who is null ? origin : origin with { Operator = who };
    }

    private string DeliveryName(string folder) => $"intake delivery of {Path.GetRelativePath(paths.Root, folder)}";

    /// <summary>Source and version for the upload id: from intake's manifest (or, for a folder an older intake took, its .dsc), made path-safe.</summary>
    private static (string Source, string Version) NameAndVersion(string folder)
    {
        string source, version;
        if (IntakeManifest.Read(folder) is { } manifest)
            (source, version) = (manifest.Source, manifest.Version);
        else
        {
            var dscPath = Directory.EnumerateFiles(folder, "*.dsc").First();
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
                if (!dir.EndsWith(IntakeTicket.PartialSuffix, StringComparison.Ordinal))
                    continue;
                // Committed once the .dsc's name was moved in (an older intake moved the .dsc itself).
                if (IncomingEntry.Look(Path.Combine(dir, TakenMarker)) is not null
                    || (IntakeManifest.Read(dir) is null && Directory.EnumerateFiles(dir, "*.dsc").Any()))
                {
                    var folder = dir[..^IntakeTicket.PartialSuffix.Length];
                    Directory.Move(dir, folder);
                    if (IntakeManifest.Read(folder) is { } manifest)
                        FinishTaken(folder, manifest.DscFileName);
                }
                else
                    Directory.Delete(dir, recursive: true);
            }
            foreach (var dir in Directory.EnumerateDirectories(spool))
            {
                if (IncomingEntry.Look(Path.Combine(dir, TakenMarker)) is not null && IntakeManifest.Read(dir) is { } manifest)
                    FinishTaken(dir, manifest.DscFileName);
                if (!File.Exists(Path.Combine(dir, IntakeTicket.DeliveredMarker))
                    && (File.Exists(Path.Combine(dir, IntakeManifest.FileName)) || Directory.EnumerateFiles(dir, "*.dsc").Any()))
                    deliveries.Add(DeliverAsync(product, dir));
            }
        }
        await Task.WhenAll(deliveries);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Took {Dsc} for {Product} as {Ticket}: {Outcome}")]
    private static partial void LogTaken(ILogger logger, string dsc, string product, string ticket, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Set aside: {Reason}; now in {Folder}")]
    private static partial void LogSetAside(ILogger logger, string reason, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "Taking {Dsc} failed; it stays in incoming and is tried again")]
    private static partial void LogTakeFailed(ILogger logger, string dsc, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering {Folder} failed; trying again in {Seconds} s")]
    private static partial void LogDeliveryFailed(ILogger logger, string folder, double seconds, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake did not stop within {Seconds} s; the silo stops without waiting for it (unfinished takes are redone at the next start)")]
    private static partial void LogStopTimedOut(ILogger logger, double seconds);
}
