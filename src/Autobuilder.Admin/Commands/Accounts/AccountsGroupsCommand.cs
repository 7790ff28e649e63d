using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary><c>autobuilder accounts groups</c>: every group, its members and the rights granted to it.</summary>
public sealed class AccountsGroupsCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var groups = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).GroupsAsync();
        if (settings.Json)
        {
            Output.WriteJson(groups);
            return 0;
        }
        if (groups.Count == 0)
        {
            Console.WriteLine("no groups yet: put an account in one with autobuilder accounts set-groups LOGIN --group GROUP");
            return 0;
        }
        Output.WriteTable(["group", "members", "rights"],
            groups.Select(g => new[]
            {
                g.Name, string.Join(", ", g.Members),
                string.Join("; ", g.Rights.Select(r => $"{r.Repository}/{r.Product}{(r.Source is null ? "" : $" source {r.Source}")}")),
            }));
        return 0;
    }
}
