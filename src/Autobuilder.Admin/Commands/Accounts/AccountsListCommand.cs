using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary><c>autobuilder accounts list</c>: every account, enabled or not, with its key counts and groups.</summary>
public sealed class AccountsListCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var accounts = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).ListAsync();
        if (settings.Json)
        {
            Output.WriteJson(accounts);
            return 0;
        }
        if (accounts.Count == 0)
        {
            Console.WriteLine("no accounts yet: add one with autobuilder accounts add LOGIN --name NAME --email ADDRESS");
            return 0;
        }
        Output.WriteTable(["login", "name", "e-mail", "state", "ssh", "openpgp", "groups"],
            accounts.Select(a => new[] { a.Login, a.RealName, a.Email, a.Enabled ? "enabled" : "disabled",
                a.SshKeys.ToString(System.Globalization.CultureInfo.InvariantCulture), a.OpenPgpKeys.ToString(System.Globalization.CultureInfo.InvariantCulture),
                string.Join(",", a.Groups) }));
        return 0;
    }
}
