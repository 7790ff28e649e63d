using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo show REPO[/PRODUCT]</c>: a repository's settings and distributions, or one distribution's packages and publishes.</summary>
public sealed class RepoShowCommand : AsyncCommand<RepoShowCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<TARGET>")]
        [Description("A repository (extras-devel) or one of its distributions (extras-devel/bookworm).")]
        public string Target { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var target = RepoTarget.Parse(settings.Target, "repo show");
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var repositories = await cluster.Grains.GetGrain<IRepositoriesGrain>(0).ListAsync();
        var repo = repositories.FirstOrDefault(r => r.Name == target.Repository)
            ?? throw new ConsoleException($"no repository '{target.Repository}' (configured: {string.Join(", ", repositories.Select(r => r.Name))})");

        if (target.Product is null)
        {
            if (settings.Json)
            {
                Output.WriteJson(repo);
                return 0;
            }
            Console.WriteLine($"Repository:    {repo.Name}");
            Console.WriteLine($"Uploads:       {(repo.AcceptsUploads ? "taken from the builder (repo-incoming)" : "by promotion only")}");
            Console.WriteLine($"Products:      {string.Join(" ", repo.Products)}");
            Console.WriteLine($"Components:    {string.Join(" ", repo.Components)}");
            Console.WriteLine($"Architectures: {string.Join(" ", repo.Architectures)}");
            Console.WriteLine($"Keeps:         {repo.KeepVersions} version(s) of each package");
            Console.WriteLine($"Live tree:     {repo.LivePath}");
            Console.WriteLine($"Signing key:   {repo.SigningKey ?? "-"} (public key: {repo.PublicKeyPath})");
            if (repo.PromoteTo is not null)
                Console.WriteLine($"Promotes to:   {repo.PromoteTo} after {repo.PromoteAfterDays:0.##} day(s)");
            Console.WriteLine();
            Output.WriteTable(["DISTRIBUTION", "GENERATION", "PUBLISHED", "LIVE", "BINARIES", "SOURCES", "STATE"],
                repo.Distributions.Select(d => new[]
                {
                    $"{d.Repository}/{d.Product}", d.Generation.ToString(), $"{d.PublishedGeneration} ({Output.Ago(d.PublishedAt)})",
                    d.LiveGeneration?.ToString() ?? "-", d.BinaryPackages.ToString(), d.SourcePackages.ToString(), State(d),
                }));
            return 0;
        }

        if (!repo.Products.Contains(target.Product))
            throw new ConsoleException($"'{target.Product}' is not a product of {repo.Name} (its products: {string.Join(", ", repo.Products)})");
        var details = await cluster.Grains.GetGrain<IDistributionGrain>(target.Key).GetDetailsAsync();
        if (settings.Json)
        {
            Output.WriteJson(details);
            return 0;
        }
        var s = details.Status;
        Console.WriteLine($"Distribution:  {target.Key}");
        Console.WriteLine($"Generation:    {s.Generation}");
        Console.WriteLine($"Published:     {s.PublishedGeneration} ({Output.Ago(s.PublishedAt)}{(s.PublishedAt is { } at ? $", {at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}" : "")})");
        Console.WriteLine($"Live:          {s.LiveGeneration?.ToString() ?? "nothing live"} — {State(s)}");
        if (s.Remote is { } remote)
            Console.WriteLine($"Remote live:   {remote.Target}: {RemoteState(s)}");
        Console.WriteLine($"Apt line:      deb [signed-by={repo.PublicKeyPath}] file:{repo.LivePath} {s.Product} {string.Join(" ", repo.Components)}");
        Console.WriteLine();
        if (details.Sources.Count == 0)
            Console.WriteLine("No packages yet.");
        else
            Output.WriteTable(["SOURCE", "VERSION", "COMPONENT", "BINARIES", "ARCHITECTURES", "ADDED"],
                details.Sources.Select(p => new[]
                {
                    p.Source, p.Version, p.Component, string.Join(" ", p.Binaries) + (p.HasSource ? " (+source)" : ""),
                    string.Join(" ", p.Architectures), Output.Ago(p.AddedAt),
                }));
        if (s.History.Count > 0)
        {
            Console.WriteLine();
            Output.WriteTable(["GENERATION", "PUBLISHED", "PACKAGES", "WHY"],
                s.History.TakeLast(10).Select(h => new[] { h.Generation.ToString(), h.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'"), h.Packages.ToString(), h.Note }));
        }
        if (s.Rejections.Count > 0)
        {
            Console.WriteLine();
            Output.WriteTable(["REJECTED", "WHEN", "WHY", "FILES IN"],
                s.Rejections.TakeLast(10).Select(r => new[] { r.Changes, Output.Ago(r.At), string.Join("; ", r.Reasons), r.Folder }));
        }
        return 0;
    }

    private static string State(DistributionStatus d) =>
        d.LastError is { } error ? error
        : d.InSync ? "in sync"
        : d.PublishedGeneration != d.Generation ? $"generation {d.Generation} not published yet"
        : d.LiveGeneration != d.PublishedGeneration ? $"live points at {d.LiveGeneration?.ToString() ?? "nothing"}, expected {d.PublishedGeneration}"
        : $"remote live: {RemoteState(d)}";

    /// <summary>The remote live tree's sync state in one line: what it serves, since when, and the last error.</summary>
    private static string RemoteState(DistributionStatus d)
    {
        if (d.Remote is not { } r)
            return "-";
        var serves = r.Generation is { } g
            ? $"generation {g} (folder {r.Folder}, synced {Output.Ago(r.SyncedAt)}{(r.SyncedAt is { } at ? $", {at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}" : "")})"
            : "nothing synced yet";
        return r.LastError is { } error
            ? $"serves {serves}; last sync failed {Output.Ago(r.AttemptedAt)}: {error}"
            : r.Generation == d.PublishedGeneration ? $"in sync, {serves}" : $"serves {serves}, behind {d.PublishedGeneration}";
    }
}
