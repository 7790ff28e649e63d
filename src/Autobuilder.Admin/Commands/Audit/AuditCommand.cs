using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Audit;

/// <summary><c>autobuilder audit</c>: the changes users made, newest last: who, what, when, result.</summary>
public sealed class AuditCommand : AsyncCommand<AuditCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandOption("--limit <N>")]
        [Description("How many entries to show (default 50).")]
        public int Limit { get; init; } = 50;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var entries = await cluster.Grains.GetGrain<IAuditLogGrain>(0).ListAsync(settings.Limit);
        if (settings.Json)
        {
            Output.WriteJson(entries);
            return 0;
        }
        if (entries.Count == 0)
        {
            Console.WriteLine("No changes recorded yet.");
            return 0;
        }
        Output.WriteTable(["WHEN", "WHO", "ROLE", "WHAT", "RESULT"],
            entries.Select(e => new[] { e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'"), e.Who, e.Role, e.What, e.Result }));
        return 0;
    }
}
