using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary>
/// <c>autobuilder uploads cancel ID</c>: stops the upload's queued and running builds. Queued ones
/// are dropped, running ones killed; each ends Cancelled (not retried) with the reason and who,
/// recorded in the upload's history and mailed.
/// </summary>
public sealed class UploadsCancelCommand : AsyncCommand<UploadsCancelCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("Upload id (product/source_version/sequence).")]
        public string Id { get; init; } = "";

        [CommandOption("--reason <TEXT>")]
        [Description("Why, for the history and the uploader's mail.")]
        public string Reason { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var upload = await KnownUpload.FindAsync(cluster, settings.Id);
        var by = KnownUpload.Caller;
        var answer = await upload.CancelAsync(settings.Reason.Trim(), by);
        var ok = answer.Contains("cancelled", StringComparison.Ordinal) || answer.Contains("being stopped", StringComparison.Ordinal);
        if (settings.Json)
            Output.WriteJson(new { id = settings.Id, cancelled = ok, message = answer });
        else
            Console.WriteLine(ok ? $"{answer}. Follow it with: autobuilder uploads show {settings.Id}" : answer);
        return ok ? 0 : 1;
    }
}
