using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts grant SUBJECT REPOSITORY PRODUCT [--source NAME]</c>: SUBJECT (a login
/// or @group) may upload to REPOSITORY/PRODUCT ('*' for any); with --source, only that source, and
/// even when another account owns it (source ownership).
/// </summary>
public sealed class AccountsGrantCommand : AsyncCommand<AccountRightSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AccountRightSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).GrantAsync(settings.Right());
        return AccountOutput.Change(settings.Json, settings.Subject, change);
    }
}

/// <summary>The arguments of grant and revoke.</summary>
public sealed class AccountRightSettings : ClusterSettings
{
    [CommandArgument(0, "<SUBJECT>")]
    [Description("A login, or @GROUP for every account in the group.")]
    public string Subject { get; init; } = "";

    [CommandArgument(1, "<REPOSITORY>")]
    [Description("The repository uploads enter (e.g. extras-devel), or '*'.")]
    public string Repository { get; init; } = "";

    [CommandArgument(2, "<PRODUCT>")]
    [Description("The product (distribution, e.g. fremantle), or '*'.")]
    public string Product { get; init; } = "";

    [CommandOption("--source <NAME>")]
    [Description("Only this source package (and even when another account owns it).")]
    public string? Source { get; init; }

    public UploadRight Right() => new(Subject, Repository, Product, string.IsNullOrWhiteSpace(Source) ? null : Source);
}
