using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary><c>autobuilder accounts set-groups LOGIN [--group G]…</c>: the account's groups become exactly these (none without --group).</summary>
public sealed class AccountsSetGroupsCommand : AsyncCommand<AccountsSetGroupsCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account.")]
        public string Login { get; init; } = "";

        [CommandOption("--group <GROUP>")]
        [Description("A group (repeat for several); without any, the account leaves every group.")]
        public string[] Groups { get; init; } = [];
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).SetGroupsAsync(settings.Login, settings.Groups);
        return AccountOutput.Change(settings.Json, settings.Login, change);
    }
}
