using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo void-vote SOURCE --in REPO[/PRODUCT] --voter LOGIN --reason TEXT</c>: an operator voids an account's vote (issue 15).</summary>
public sealed class RepoVoidVoteCommand : AsyncCommand<RepoVoidVoteCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("Source package name.")]
        public string Source { get; init; } = "";

        [CommandOption("--in <REPO[/PRODUCT]>")]
        [Description("The testing repository, e.g. extras-testing/bookworm.")]
        public string In { get; init; } = "";

        [CommandOption("--voter <LOGIN>")]
        [Description("Whose vote is voided (its open votes on SOURCE, earlier rounds' blockers included).")]
        public string Voter { get; init; } = "";

        [CommandOption("--reason <TEXT>")]
        [Description("Why; recorded with the vote and shown in the excuses.")]
        public string Reason { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            In.Length == 0 || Voter.Length == 0 || Reason.Length == 0
                ? Spectre.Console.ValidationResult.Error("--in, --voter and --reason are needed")
                : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var where = await QaOutput.DistributionAsync(cluster.Grains, settings.In, "--in");
        return QaOutput.Write(await cluster.Grains.GetGrain<IQaGrain>(where).VoidVoteAsync(settings.Source, settings.Voter, settings.Reason), settings.Json);
    }
}
