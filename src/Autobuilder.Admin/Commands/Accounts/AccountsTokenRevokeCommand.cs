using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary><c>autobuilder accounts token revoke LOGIN ID</c>: the token opens nothing from now on.</summary>
public sealed class AccountsTokenRevokeCommand : AsyncCommand<AccountsTokenRevokeCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account.")]
        public string Login { get; init; } = "";

        [CommandArgument(1, "<ID>")]
        [Description("The token's id (8 hex digits, as 'accounts show' lists it), or the token itself.")]
        public string Id { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).RevokeTokenAsync(settings.Login, settings.Id);
        return AccountOutput.Change(settings.Json, settings.Login, change);
    }
}
