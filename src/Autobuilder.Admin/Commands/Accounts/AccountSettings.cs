using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>Settings of the commands that act on one account and nothing more.</summary>
public sealed class AccountSettings : ClusterSettings
{
    [CommandArgument(0, "<LOGIN>")]
    [Description("The account's login, as 'autobuilder accounts list' shows it.")]
    public string Login { get; init; } = "";
}
