using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary><c>autobuilder accounts enable LOGIN</c>: a disabled account may upload again.</summary>
public sealed class AccountsEnableCommand : AsyncCommand<AccountSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AccountSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).SetEnabledAsync(settings.Login, true, "");
        return AccountOutput.Change(settings.Json, settings.Login, change);
    }
}
