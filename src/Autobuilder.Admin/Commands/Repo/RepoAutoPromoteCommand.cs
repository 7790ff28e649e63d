using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo auto-promote [REPO]</c>: runs the configured promotion rules now instead of at the next reminder.</summary>
public sealed class RepoAutoPromoteCommand : AsyncCommand<RepoAutoPromoteCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "[REPO]")]
        [Description("The repository whose rule runs (its PromoteTo, PromoteAfterDays); without it every repository that has one.")]
        public string? Repository { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var names = settings.Repository is { } one
            ? [one]
            : (await cluster.Grains.GetGrain<IRepositoriesGrain>(0).ListAsync()).Where(r => r.PromoteTo is not null).Select(r => r.Name).ToList();
        if (names.Count == 0)
            return StageResultOutput.Write(new StageResult(true, "no repository has a promotion rule (PromoteTo and PromoteAfterDays)"), settings.Json);
        return await RepositoryFanOut.WriteEachAsync(cluster.Grains, names, r => r.RunPromotionRuleAsync(), settings.Json);
    }
}
