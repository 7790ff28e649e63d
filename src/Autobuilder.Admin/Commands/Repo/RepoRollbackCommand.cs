using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo rollback REPO/PRODUCT --to GENERATION</c>: the packages of an earlier published generation, live again.</summary>
public sealed class RepoRollbackCommand : AsyncCommand<RepoRollbackCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<DISTRIBUTION>")]
        [Description("The distribution, e.g. extras-devel/bookworm.")]
        public string Target { get; init; } = "";

        [CommandOption("--to <GENERATION>")]
        [Description("A published generation, as 'repo show REPO/PRODUCT' lists them.")]
        public long? Generation { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Generation is null ? Spectre.Console.ValidationResult.Error("--to GENERATION is needed") : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var target = RepoTarget.Parse(settings.Target, "repo rollback");
        target.RequireProduct("repo rollback");
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var result = await cluster.Grains.GetGrain<IDistributionGrain>(target.Key).RollbackAsync(settings.Generation!.Value);
        return StageResultOutput.Write(result, settings.Json);
    }
}
