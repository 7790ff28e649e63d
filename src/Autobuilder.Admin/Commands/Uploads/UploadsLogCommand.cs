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
        long offset = 0;
        int? attempt = null;
        while (true)
        {
            var chunk = await upload.ReadLogAsync(settings.Architecture, offset)
                ?? throw new ConsoleException($"{settings.Id} has no started build{(settings.Architecture is { } a ? $" for {a}" : "")} yet");
            if (attempt is not null && chunk.Attempt != attempt)
            {
                // The build was retried: the new attempt's log starts over.
                Console.WriteLine($"--- attempt {chunk.Attempt} ---");
                offset = 0;
                attempt = chunk.Attempt;
                continue;
            }
            attempt = chunk.Attempt;
            Console.Write(chunk.Text);
            offset = chunk.NextOffset;
            if (chunk.Text.Length > 0)
                continue;
            if (!settings.Follow || !chunk.Running)
                return 0;
            await Task.Delay(500, cancellationToken);
        }
    }
}
