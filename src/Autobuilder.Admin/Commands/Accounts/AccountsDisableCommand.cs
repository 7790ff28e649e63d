using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts disable LOGIN [--reason TEXT]</c>: the account stays with its keys, but
/// its signatures, SSH logins and tokens are refused (with the reason) until it is enabled again.
/// </summary>
public sealed class AccountsDisableCommand : AsyncCommand<AccountsDisableCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account.")]
        public string Login { get; init; } = "";

        [CommandOption("--reason <TEXT>")]
        [Description("Why: shown to the uploader in every refusal.")]
        public string Reason { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).SetEnabledAsync(settings.Login, false, settings.Reason);
        return AccountOutput.Change(settings.Json, settings.Login, change, $"Undo it with: autobuilder accounts enable {settings.Login}");
    }
}
