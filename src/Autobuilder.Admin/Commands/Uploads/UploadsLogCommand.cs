using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary><c>autobuilder uploads log ID [--arch A] [--follow]</c>: a build's log, live while it runs.</summary>
public sealed class UploadsLogCommand : AsyncCommand<UploadsLogCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("Upload id (product/source_version/sequence).")]
        public string Id { get; init; } = "";

        [CommandOption("--arch <ARCH>")]
        [Description("Which build's log (default: the running build, else the last one started).")]
        public string? Architecture { get; init; }

        [CommandOption("-f|--follow")]
        [Description("Keep printing as the build writes, until it ends.")]
        public bool Follow { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var upload = await KnownUpload.FindAsync(cluster, settings.Id);
        // Following at a terminal: a spinner under the log says the build still runs; the log's
        // lines are written above it whole. Into a pipe or file: the log's bytes exactly, nothing else.
        return settings.Follow
            ? await ConsoleProgress.StatusAsync(settings.Json, $"following {settings.Id}", status => PrintAsync(upload, settings, status, cancellationToken))
            : await PrintAsync(upload, settings, null, cancellationToken);
    }

    private static async Task<int> PrintAsync(IUploadGrain upload, Settings settings, IProgressText? status, CancellationToken cancellationToken)
    {
        var write = new LogWriter(status is not null);
        long offset = 0;
        int? attempt = null;
        while (true)
        {
            var chunk = await upload.ReadLogAsync(settings.Architecture, offset)
                ?? throw new ConsoleException($"{settings.Id} has no started build{(settings.Architecture is { } a ? $" for {a}" : "")} yet");
            if (attempt is not null && chunk.Attempt != attempt)
            {
                // The build was retried: the new attempt's log starts over.
                write.Flush();
                write.Text($"--- attempt {chunk.Attempt} ---\n");
                offset = 0;
                attempt = chunk.Attempt;
                continue;
            }
            attempt = chunk.Attempt;
            write.Text(chunk.Text);
            offset = chunk.NextOffset;
            if (chunk.Text.Length > 0)
                continue;
            if (!settings.Follow || !chunk.Running)
            {
                write.Flush();
                return 0;
            }
            status?.Set($"following {settings.Id}: attempt {chunk.Attempt} is running ({offset / 1024} KiB of log so far; Ctrl-C stops following)");
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>
    /// The log as it comes; above a spinner only whole lines (a partial line would have the spinner
    /// drawn after it), the rest when the next newline or the end arrives.
    /// </summary>
    private sealed class LogWriter(bool aboveSpinner)
    {
        private string _pending = "";

        public void Text(string text)
        {
            if (!aboveSpinner)
            {
                Console.Write(text);
                return;
            }
            var all = _pending + text;
            var end = all.LastIndexOf('\n') + 1;
            if (end > 0)
                ConsoleProgress.WriteAbove(all[..end]);
            _pending = all[end..];
        }

        public void Flush()
        {
            if (aboveSpinner && _pending.Length > 0)
                ConsoleProgress.WriteAbove(_pending);
            _pending = "";
        }
    }
}
