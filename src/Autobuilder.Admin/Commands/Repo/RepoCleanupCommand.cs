using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo cleanup [REPO[/PRODUCT]] [--keep N]</c>: old versions out, then unreferenced pool files after their grace period.</summary>
public sealed class RepoCleanupCommand : AsyncCommand<RepoCleanupCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "[TARGET]")]
        [Description("One repository or distribution; without it every repository.")]
        public string? Target { get; init; }

        [CommandOption("--keep <N>")]
        [Description("Versions of each package to keep (default: the repository's KeepVersions).")]
        public int? Keep { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var target = settings.Target is null ? null : RepoTarget.Parse(settings.Target, "repo cleanup");
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var names = await RepositoryFanOut.NamesAsync(cluster.Grains, target);
        return await RepositoryFanOut.WriteEachAsync(cluster.Grains, names, r => r.CleanupAsync(target?.Product, settings.Keep), settings.Json);
    }
}
