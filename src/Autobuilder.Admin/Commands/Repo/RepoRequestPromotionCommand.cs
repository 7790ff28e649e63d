using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo request-promotion SOURCE VERSION --from REPO[/PRODUCT] [--as LOGIN]</c>: the QA ladder's request (issue 15).</summary>
public sealed class RepoRequestPromotionCommand : AsyncCommand<RepoRequestPromotionCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("Source package name.")]
        public string Source { get; init; } = "";

        [CommandArgument(1, "<VERSION>")]
        [Description("The version the repository holds.")]
        public string Version { get; init; } = "";

        [CommandOption("--from <REPO[/PRODUCT]>")]
        [Description("Where the package is now, e.g. extras-devel/bookworm; it moves one step up the ladder.")]
        public string From { get; init; } = "";

        [CommandOption("--as <LOGIN>")]
        [Description("The account asking (the source's owner or uploader); without it the request is the operator's own.")]
        public string? As { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            From.Length == 0 ? Spectre.Console.ValidationResult.Error("--from is needed") : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var from = await QaOutput.DistributionAsync(cluster.Grains, settings.From, "--from");
        var answer = await cluster.Grains.GetGrain<IQaGrain>(from).RequestPromotionAsync(new PromotionRequest(settings.Source, settings.Version, settings.As));
        return QaOutput.Write(answer, settings.Json);
    }
}
