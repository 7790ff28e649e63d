using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary>Settings of the commands that act on one slot.</summary>
public sealed class SlotSettings : ClusterSettings
{
    [CommandArgument(0, "<SLOT>")]
    [Description("Slot key HOST/USER, as 'autobuilder builders list' shows it.")]
    public string Slot { get; init; } = "";
}
