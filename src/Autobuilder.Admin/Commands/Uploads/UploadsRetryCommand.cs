using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary><c>autobuilder uploads retry ID</c>: builds a failed or dep-wait upload again.</summary>
public sealed class UploadsRetryCommand : AsyncCommand<UploadsRetryCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("Upload id (product/source_version/sequence).")]
        public string Id { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var upload = await KnownUpload.FindAsync(cluster, settings.Id);
        var answer = await upload.RetryAsync();
        var ok = answer.Contains("queued again", StringComparison.Ordinal);
        if (settings.Json)
            Output.WriteJson(new { id = settings.Id, retried = ok, message = answer });
        else
            Console.WriteLine(ok ? $"{answer}. Follow it with: autobuilder uploads show {settings.Id}" : answer);
        return ok ? 0 : 1;
    }
}
