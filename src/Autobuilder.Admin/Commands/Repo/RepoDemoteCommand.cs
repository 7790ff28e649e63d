using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo demote SOURCE [VERSION] --from REPO[/PRODUCT] --reason TEXT</c>: takes a package out of a testing (or stable) repository, mailing its maintainer (issue 15).</summary>
public sealed class RepoDemoteCommand : AsyncCommand<RepoDemoteCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("Source package name.")]
        public string Source { get; init; } = "";

        [CommandArgument(1, "[VERSION]")]
        [Description("The version to take out; without it the newest held.")]
        public string? Version { get; init; }

        [CommandOption("--from <REPO[/PRODUCT]>")]
        [Description("The repository it leaves, e.g. extras-testing/bookworm or extras/bookworm.")]
        public string From { get; init; } = "";

        [CommandOption("--reason <TEXT>")]
        [Description("Why; recorded and mailed to the maintainer.")]
        public string Reason { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            From.Length == 0 || Reason.Length == 0 ? Spectre.Console.ValidationResult.Error("--from and --reason are needed") : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var from = await QaOutput.DistributionAsync(cluster.Grains, settings.From, "--from");
        return QaOutput.Write(await cluster.Grains.GetGrain<IQaGrain>(from).DemoteAsync(settings.Source, settings.Version, settings.Reason), settings.Json);
    }
}
