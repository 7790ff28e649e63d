using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary><c>autobuilder accounts revoke SUBJECT REPOSITORY PRODUCT [--source NAME]</c>: takes back a right exactly as it was granted.</summary>
public sealed class AccountsRevokeCommand : AsyncCommand<AccountRightSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AccountRightSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).RevokeAsync(settings.Right());
        return AccountOutput.Change(settings.Json, settings.Subject, change);
    }
}
