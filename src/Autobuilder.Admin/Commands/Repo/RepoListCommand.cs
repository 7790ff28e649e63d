using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo list</c>: every repository, its distributions' generations and whether live is in sync.</summary>
public sealed class RepoListCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var repositories = await cluster.Grains.GetGrain<IRepositoriesGrain>(0).ListAsync();
        if (settings.Json)
        {
            Output.WriteJson(repositories);
            return 0;
        }
        Output.WriteTable(["REPOSITORY", "UPLOADS", "KEEP", "ARCHITECTURES", "DISTRIBUTIONS (generation, live)", "LIVE TREE"],
            repositories.Select(r => new[]
            {
                r.Name,
                r.AcceptsUploads ? "from builder" : "promotion only",
                r.KeepVersions.ToString(),
                string.Join(" ", r.Architectures),
                string.Join(", ", r.Distributions.Select(Describe)),
                r.LivePath,
            }));
        return 0;
    }

    internal static string Describe(DistributionStatus d) =>
        $"{d.Product}: {d.Generation}" + (d.InSync ? "" : d.LastError is not null ? " (publish failed)"
            : d.LiveGeneration != d.PublishedGeneration || d.PublishedGeneration != d.Generation ? $" (live {d.LiveGeneration?.ToString() ?? "none"})"
            : d.Remote?.LastError is not null ? $" (remote sync failed; remote {d.Remote.Generation?.ToString() ?? "none"})"
            : $" (remote {d.Remote?.Generation?.ToString() ?? "none"})");
}
