using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts sync</c>: writes the directory's published files again now (the
/// OpenPGP keyring, the SSH key index, authorized_keys in file mode); they are also written after
/// every change and every Uploaders:Drop:SyncMinutes.
/// </summary>
public sealed class AccountsSyncCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).SyncAsync();
        return AccountOutput.Change(settings.Json, "directory", change);
    }
}
