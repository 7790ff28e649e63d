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
        var names = target is not null
            ? [target.Repository]
            : (await cluster.Grains.GetGrain<IRepositoriesGrain>(0).ListAsync()).Select(r => r.Name).ToList();
        var results = new List<StageResult>();
        foreach (var name in names)
            results.Add(await cluster.Grains.GetGrain<IRepositoryGrain>(name).SyncAsync(target?.Product));
        return StageResultOutput.Write(new StageResult(results.All(r => r.Ok), string.Join("\n", results.Select(r => r.Message))), settings.Json);
    }
}
