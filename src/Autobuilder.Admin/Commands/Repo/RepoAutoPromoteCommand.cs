using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo auto-promote [REPO]</c>: runs the QA ladder's quarantine rules and the stage's promotion rules now instead of at the next reminder.</summary>
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
        // The QA ladder's quarantine rules (issue 15) for the repository (or all): each distribution's.
        var ladder = 0;
        foreach (var repo in await cluster.Grains.GetGrain<IRepositoriesGrain>(0).ListAsync())
        {
            if (settings.Repository is { } only && repo.Name != only)
                continue;
            foreach (var product in repo.Products)
            {
                var answer = await cluster.Grains.GetGrain<IQaGrain>($"{repo.Name}/{product}").AutoPromoteAsync();
                if (answer.Message.StartsWith("no QA step leaves", StringComparison.Ordinal))
                    continue;
                ladder++;
                if (QaOutput.Write(answer, settings.Json) != 0)
                    return 1;
            }
        }
        var names = settings.Repository is { } one
            ? [one]
            : (await cluster.Grains.GetGrain<IRepositoriesGrain>(0).ListAsync()).Where(r => r.PromoteTo is not null).Select(r => r.Name).ToList();
        if (settings.Repository is not null && ladder > 0 && (await cluster.Grains.GetGrain<IRepositoryGrain>(settings.Repository).GetInfoAsync()).PromoteTo is null)
            return 0;
        if (names.Count == 0)
            return ladder > 0 ? 0 : StageResultOutput.Write(new StageResult(true, "no repository has a promotion rule (PromoteTo and PromoteAfterDays) or QA step"), settings.Json);
        return await RepositoryFanOut.WriteEachAsync(cluster.Grains, names, r => r.RunPromotionRuleAsync(), settings.Json);
    }
}
