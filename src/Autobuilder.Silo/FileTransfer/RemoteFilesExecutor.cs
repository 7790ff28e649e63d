using System.Text;
using System.Threading.Channels;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Placement;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.FileTransfer;

/// <summary>
/// Runs a build on a builder host whose garage is another machine. Before: the upload's files are
/// fetched from the garage into sources/ here (dpkg-source checks them against the .dsc again).
/// During: the log lines go to the garage's logs/ as they come, so 'uploads log --follow' works
/// there. After: the results folder is sent to the garage's results/ and made visible there in one
/// rename; the result names the garage's paths, which the upload reads. The executor inside (local
/// or SSH) is the one role "all" runs, unchanged.
/// </summary>
public sealed partial class RemoteFilesExecutor(
    IBuildExecutor inner,
    IGrainFactory grains,
    ClusterHosts hosts,
    DataPaths paths,
    ILogger<RemoteFilesExecutor> logger) : IBuildExecutor
{
    public Task<string?> ProbeAsync(CancellationToken ct) => inner.ProbeAsync(ct);

    public async Task<BuildResult> RunAsync(BuildAssignment assignment, Action<string>? log, CancellationToken ct)
    {
        var build = assignment.Build;
        var garage = grains.GetGrain<IHostFilesGrain>(hosts.HostOf(SiloRoles.Garage));
        var sources = Path.Combine(paths.Root, "sources", DataPaths.IdPath(build.UploadId), $"{build.Architecture}.{assignment.Attempt}");
        try
        {
            // The sources and the empty live log at once: each is a round trip to the garage before the build can start.
            var liveLog = HostFileTransfer.RelativeTo(paths.Root, paths.LiveLog(build.UploadId, build.Architecture, assignment.Attempt));
            await Task.WhenAll(FetchSourcesAsync(garage, build, sources, ct), garage.WriteAsync(liveLog, 0, []));
            BuildResult result;
            await using (var forward = new LogForwarder(garage, liveLog, log, logger))
                result = await inner.RunAsync(assignment with { Build = build with { SourceFolder = sources } }, forward.Line, ct);
            return await SendResultsAsync(garage, result, ct);
        }
        finally
        {
            TryDelete(sources);
        }
    }

    private static async Task FetchSourcesAsync(IHostFilesGrain garage, BuildRequest build, string sources, CancellationToken ct)
    {
        if (Directory.Exists(sources))
            Directory.Delete(sources, recursive: true);
        Directory.CreateDirectory(sources);
        // All files at once (the garage's file grain is reentrant): one round trip's wait instead of one per file.
        // Names were checked at verification; the garage refuses any path outside its data root anyway.
        await Task.WhenAll(build.Files.Append(build.DscFileName).Distinct().Select(name =>
            HostFileTransfer.FetchAsync(garage, Path.Combine(build.SourceFolder, name), Debian.Safety.FileNames.Combine(sources, name, build.DscFileName), ct)));
    }

    /// <summary>The results folder to the garage, under a temporary name, then renamed into place there.</summary>
    private async Task<BuildResult> SendResultsAsync(IHostFilesGrain garage, BuildResult result, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(result.ResultsFolder) || !Directory.Exists(result.ResultsFolder))
            return result;
        var final = HostFileTransfer.RelativeTo(paths.Root, result.ResultsFolder);
        var parent = Path.GetDirectoryName(final)!.Replace(Path.DirectorySeparatorChar, '/');
        var temporary = $"{parent}/.{Path.GetFileName(final)}.{Guid.NewGuid():N}.tmp";
        // All files at once, as the sources came; the commit below makes them visible together.
        await Task.WhenAll(Directory.EnumerateFiles(result.ResultsFolder).ToList()
            .Select(file => HostFileTransfer.PushAsync(garage, file, $"{temporary}/{Path.GetFileName(file)}", ct)));
        var there = await garage.CommitAsync(temporary, final);
        LogResultsSent(logger, result.BuildId, result.Attempt, there);
        TryDelete(result.ResultsFolder);
        var logName = string.IsNullOrEmpty(result.LogPath) ? "" : Path.Combine(there, Path.GetFileName(result.LogPath));
        return result with { ResultsFolder = there, LogPath = logName };
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} attempt {Attempt}: results sent to the garage ({Folder})")]
    private static partial void LogResultsSent(ILogger logger, string buildId, int attempt, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live log of a build could not reach the garage: {Reason}")]
    private static partial void LogForwardFailed(ILogger logger, string reason);

    /// <summary>
    /// Sends log lines to the garage in order, in batches, off the build's output path: a slow or
    /// absent garage never holds a build up (lines it missed are in the final log all the same).
    /// </summary>
    private sealed class LogForwarder : IAsyncDisposable
    {
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        private readonly IHostFilesGrain _garage;
        private readonly string _path;
        private readonly Action<string>? _listener;
        private readonly ILogger _logger;
        private readonly Task _pump;

        public LogForwarder(IHostFilesGrain garage, string path, Action<string>? listener, ILogger logger)
        {
            _garage = garage;
            _path = path;
            _listener = listener;
            _logger = logger;
            _pump = Task.Run(PumpAsync);
        }

        public void Line(string line)
        {
            _listener?.Invoke(line);
            _lines.Writer.TryWrite(line);
        }

        private async Task PumpAsync()
        {
            var failed = false;
            var batch = new StringBuilder();
            while (await _lines.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Length < HostFileTransfer.ChunkSize && _lines.Reader.TryRead(out var line))
                    batch.Append(line).Append('\n');
                if (failed)
                    continue;
                try
                {
                    await _garage.AppendAsync(_path, Encoding.UTF8.GetBytes(batch.ToString()));
                }
                catch (Exception ex)
                {
                    failed = true;
                    LogForwardFailed(_logger, ex.Message);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _lines.Writer.TryComplete();
            await _pump;
        }
    }
}
