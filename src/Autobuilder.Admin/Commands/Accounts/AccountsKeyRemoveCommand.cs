using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts key remove LOGIN FINGERPRINT</c>: an SSH key (SHA256:…) stops opening the
/// upload area; an OpenPGP key (40 hex digits) is kept marked removed, so its signatures are refused
/// with that reason.
/// </summary>
public sealed class AccountsKeyRemoveCommand : AsyncCommand<AccountsKeyRemoveCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account.")]
        public string Login { get; init; } = "";

        [CommandArgument(1, "<FINGERPRINT>")]
        [Description("SHA256:… for an SSH key, 40 hex digits for an OpenPGP key (as 'accounts show' lists them).")]
        public string Fingerprint { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).RemoveKeyAsync(settings.Login, settings.Fingerprint);
        return AccountOutput.Change(settings.Json, settings.Login, change);
    }
}
