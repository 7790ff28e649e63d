using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary>
/// <c>autobuilder repo vote SOURCE VERSION up|down --in REPO[/PRODUCT] --as LOGIN [--comment TEXT] [--blocker]</c>:
/// an account's vote, entered by an operator for it (issue 15). "+1" and "-1" are taken too
/// (write "-1" after "--", or as "down", since a leading dash reads as an option).
/// </summary>
public sealed class RepoVoteCommand : AsyncCommand<RepoVoteCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("Source package name.")]
        public string Source { get; init; } = "";

        [CommandArgument(1, "<VERSION>")]
        [Description("The version the testing repository holds.")]
        public string Version { get; init; } = "";

        [CommandArgument(2, "<VOTE>")]
        [Description("up (+1) or down (-1).")]
        public string Vote { get; init; } = "";

        [CommandOption("--in <REPO[/PRODUCT]>")]
        [Description("The testing repository, e.g. extras-testing/bookworm.")]
        public string In { get; init; } = "";

        [CommandOption("--as <LOGIN>")]
        [Description("The account voting.")]
        public string As { get; init; } = "";

        [CommandOption("--comment <TEXT>")]
        [Description("What the tester found; required for a -1.")]
        public string Comment { get; init; } = "";

        [CommandOption("--blocker")]
        [Description("The -1 holds the package until voided (a crash, battery drain, security risk, a missing advertised feature).")]
        public bool Blocker { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            In.Length == 0 || As.Length == 0 ? Spectre.Console.ValidationResult.Error("both --in and --as are needed")
            : Value(Vote) is null ? Spectre.Console.ValidationResult.Error($"the vote is up (+1) or down (-1), not '{Vote}'")
            : Spectre.Console.ValidationResult.Success();
    }

    public static int? Value(string vote) => vote switch
    {
        "up" or "+1" or "1" => 1,
        "down" or "-1" => -1,
        _ => null,
    };

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var where = await QaOutput.DistributionAsync(cluster.Grains, settings.In, "--in");
        var answer = await cluster.Grains.GetGrain<IQaGrain>(where).VoteAsync(
            new QaVote(settings.Source, settings.Version, settings.As, Value(settings.Vote)!.Value, settings.Comment, settings.Blocker));
        return QaOutput.Write(answer, settings.Json);
    }
}
