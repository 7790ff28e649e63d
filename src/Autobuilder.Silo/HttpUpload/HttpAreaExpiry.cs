using Autobuilder.Debian;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Intake;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.HttpUpload;

/// <summary>
/// Incomplete HTTP uploads expire. Intake rejects a .dsc whose files do not all arrive within
/// IncompleteUploadSeconds; what it never looks at stays: files no .dsc names (an orig tarball
/// whose .dsc never came, a .changes left after its .dsc was taken) and temporary files of a silo
/// that died mid-transfer. Every ExpireSeconds/4 (1 to 60 s) this moves each file of an area older
/// than <see cref="HttpUploadOptions.ExpireSeconds"/> that no newer .dsc names to
/// stray/http/&lt;login&gt;/&lt;product&gt;/&lt;time&gt;-&lt;random&gt;/ with REASON.txt, and deletes stale temporary files.
/// </summary>
public sealed partial class HttpAreaExpiry(IOptions<AutobuilderOptions> options, DataPaths paths, TimeProvider time, ILogger<HttpAreaExpiry> logger)
    : BackgroundService
{
    private readonly HttpUploadOptions _http = options.Value.Uploaders.Http;
    private readonly IntakeOptions _limits = options.Value.Intake;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Clamp(_http.ExpireSeconds / 4, 1, 60));
        Directory.CreateDirectory(paths.HttpIncomingRoot);
        using var timer = new PeriodicTimer(every, time);
        do
        {
            try
            {
                Sweep();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One pass over every area; returns how many entries were moved aside or deleted.</summary>
    public int Sweep()
    {
        if (!Directory.Exists(paths.HttpIncomingRoot))
            return 0;
        var now = time.GetUtcNow();
        var expireBefore = now - TimeSpan.FromSeconds(_http.ExpireSeconds);
        var done = 0;
        foreach (var login in Folders(paths.HttpIncomingRoot))
        {
            foreach (var product in Folders(Path.Combine(paths.HttpIncomingRoot, login)))
                done += SweepArea(login, product, Path.Combine(paths.HttpIncomingRoot, login, product), now, expireBefore);
        }
        return done;
    }

    private int SweepArea(string login, string product, string folder, DateTimeOffset now, DateTimeOffset expireBefore)
    {
        var entries = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>()
            .Select(n => (Name: n, Info: IncomingEntry.Look(Path.Combine(folder, n))))
            .Where(e => e.Info is not null)
            .Select(e => (e.Name, Info: e.Info!.Value))
            .ToList();
        // What a .dsc that has not expired names stays: its upload may still complete.
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, info) in entries.Where(e => e.Name.EndsWith(".dsc", StringComparison.Ordinal) && e.Info.Modified >= expireBefore))
        {
            if (!info.IsRegular || info.Size > _limits.MaxDscBytes)
                continue;
            try
            {
                kept.UnionWith(DscFile.Load(Path.Combine(folder, name)).Files.Select(f => f.Name));
            }
            catch (Exception ex) when (ex is DebianFormatException or IOException)
            {
                // Intake rejects it with the reason; its files are not protected by it.
            }
        }
        var done = 0;
        foreach (var (name, info) in entries)
        {
            if (info.Modified >= expireBefore || kept.Contains(name))
                continue;
            var path = Path.Combine(folder, name);
            if (name.StartsWith(HttpUploadEndpoint.TemporaryPrefix, StringComparison.Ordinal) && info.IsRegular)
            {
                // A transfer that broke off without its request ending (the silo was killed): nothing to keep.
                File.Delete(path);
                LogTemporaryDeleted(logger, path);
                done++;
                continue;
            }
            var target = Path.Combine(paths.Stray, "http", login, product, IntakeTicket.New(now));
            Directory.CreateDirectory(target);
            var safeName = FileNames.IsSafe(name) && name != "REASON.txt" ? name : "entry";
            try
            {
                IncomingEntry.Move(path, Path.Combine(target, safeName));
            }
            catch (IOException) when (IncomingEntry.Look(path) is null)
            {
                // Intake took it meanwhile.
                Directory.Delete(target);
                continue;
            }
            var reason = $"{FileNames.Printable(name)} was in {login}'s HTTP upload area for {product} since {info.Modified:u}, " +
                         $"longer than {_http.ExpireSeconds:0} s (Autobuilder:Uploaders:Http:ExpireSeconds), and no complete upload took it";
            File.WriteAllText(Path.Combine(target, "REASON.txt"), $"set aside from {Path.Combine(folder, FileNames.Printable(name))} at {now:u}:\n  {reason}\n");
            LogSetAside(logger, reason, target);
            done++;
        }
        return done;
    }

    /// <summary>Sub-folders that are real folders (a link is never followed) with plain names.</summary>
    private static IEnumerable<string> Folders(string parent) =>
        Directory.EnumerateDirectories(parent).Select(Path.GetFileName).OfType<string>()
            .Where(n => FileNames.IsSafe(n) && IncomingEntry.Look(Path.Combine(parent, n)) is { Kind: EntryKind.Directory })
            .ToList();

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP upload: {Reason}; set aside in {Target}")]
    private static partial void LogSetAside(ILogger logger, string reason, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP upload: deleted the stale temporary file {Path} of a transfer that broke off")]
    private static partial void LogTemporaryDeleted(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "HTTP upload: the sweep of expired files failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);
}
