using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary>
/// <c>autobuilder uploads rescore ID N</c>: sets the upload's build priority (operator). Its
/// waiting builds move to their new place in the queue; retries keep it; the upload's history and
/// the audit log record who did it.
/// </summary>
public sealed class UploadsRescoreCommand : AsyncCommand<UploadsRescoreCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("Upload id (product/source_version/sequence).")]
        public string Id { get; init; } = "";

        [CommandArgument(1, "<PRIORITY>")]
        [Description("The new priority, -1000 to 1000: higher is built first; equal priorities go oldest first.")]
        public int Priority { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var upload = await KnownUpload.FindAsync(cluster, settings.Id);
        var by = KnownUpload.Caller;
        var answer = await upload.RescoreAsync(settings.Priority, by);
        var ok = answer.Contains("reordered", StringComparison.Ordinal);
        if (settings.Json)
            Output.WriteJson(new { id = settings.Id, rescored = ok, priority = settings.Priority, message = answer });
        else
            Console.WriteLine(ok ? $"{answer}. See the new order with: autobuilder queue" : answer);
        return ok ? 0 : 1;
    }
}
