using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo promote SOURCE VERSION --from A --to B</c>: copies a source package and all its binaries.</summary>
public sealed class RepoPromoteCommand : AsyncCommand<RepoPromoteCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("Source package name.")]
        public string Source { get; init; } = "";

        [CommandArgument(1, "<VERSION>")]
        [Description("Its version (as in the distribution: epoch included).")]
        public string Version { get; init; } = "";

        [CommandOption("--from <REPO[/PRODUCT]>")]
        [Description("Where the package is now, e.g. extras-devel or extras-devel/bookworm.")]
        public string From { get; init; } = "";

        [CommandOption("--to <REPO[/PRODUCT]>")]
        [Description("Where it goes, e.g. extras-testing.")]
        public string To { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            From.Length == 0 || To.Length == 0
                ? Spectre.Console.ValidationResult.Error("both --from and --to are needed")
                : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var from = RepoTarget.Parse(settings.From, "--from");
        var to = RepoTarget.Parse(settings.To, "--to");
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var result = await cluster.Grains.GetGrain<IRepositoryGrain>(to.Repository)
            .PromoteAsync(settings.Source, settings.Version, from.Repository, from.Product, to.Product);
        return StageResultOutput.Write(result, settings.Json);
    }
}
