using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts remove LOGIN</c>: the account goes with its SSH keys, tokens and rights.
/// Its OpenPGP keys stay in the keyring, so a signature by one is refused naming the removed account.
/// </summary>
public sealed class AccountsRemoveCommand : AsyncCommand<AccountSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AccountSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).RemoveAsync(settings.Login);
        return AccountOutput.Change(settings.Json, settings.Login, change);
    }
}
