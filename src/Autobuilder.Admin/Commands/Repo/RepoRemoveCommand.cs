using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo remove SOURCE [VERSION] --from REPO/PRODUCT</c>: takes a source package and its binaries out of a distribution.</summary>
public sealed class RepoRemoveCommand : AsyncCommand<RepoRemoveCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("Source package name.")]
        public string Source { get; init; } = "";

        [CommandArgument(1, "[VERSION]")]
        [Description("One version; without it every version goes.")]
        public string? Version { get; init; }

        [CommandOption("--from <REPO/PRODUCT>")]
        [Description("The distribution, e.g. extras-devel/bookworm.")]
        public string From { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            From.Length == 0 ? Spectre.Console.ValidationResult.Error("--from REPO/PRODUCT is needed") : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var from = RepoTarget.Parse(settings.From, "--from");
        from.RequireProduct("--from");
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var result = await cluster.Grains.GetGrain<IDistributionGrain>(from.Key).RemoveAsync(settings.Source, settings.Version);
        return StageResultOutput.Write(result, settings.Json);
    }
}
