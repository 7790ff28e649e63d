using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts role set LOGIN ROLE</c>: the account's role in the web pages (reader,
/// uploader, operator, admin; every account is an uploader until set). Needs an admin certificate.
/// </summary>
public sealed class AccountsRoleSetCommand : AsyncCommand<AccountsRoleSetCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account.")]
        public string Login { get; init; } = "";

        [CommandArgument(1, "<ROLE>")]
        [Description("reader, uploader, operator (retry, cancel, rescore, promote in the pages) or admin (also roll back).")]
        public string Role { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var role = WebRoles.Parse(settings.Role)
                   ?? throw new ConsoleException($"'{settings.Role}' is not a web role: reader, uploader, operator or admin");
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IWebLoginGrain>(0).SetRoleAsync(settings.Login, role);
        return AccountOutput.Change(settings.Json, settings.Login, change);
    }
}
