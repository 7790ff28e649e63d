using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo sync [REPO[/PRODUCT]]</c>: publishes again and makes sure live has every pool file.</summary>
public sealed class RepoSyncCommand : AsyncCommand<RepoSyncCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "[TARGET]")]
        [Description("One repository or distribution; without it every repository.")]
        public string? Target { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var target = settings.Target is null ? null : RepoTarget.Parse(settings.Target, "repo sync");
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var names = await RepositoryFanOut.NamesAsync(cluster.Grains, target);
        return await RepositoryFanOut.WriteEachAsync(cluster.Grains, names, r => r.SyncAsync(target?.Product), settings.Json);
    }
}
