using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts import FILE [--format json|csv] [--replace-ssh-keys]</c>: takes in an
/// exported user database (docs/accounts-import.md) in one call. Idempotent: run it again, or from
/// cron after each export, and only what changed is changed.
/// </summary>
public sealed class AccountsImportCommand : AsyncCommand<AccountsImportCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The export: .json or .csv (docs/accounts-import.md).")]
        public string File { get; init; } = "";

        [CommandOption("--format <FORMAT>")]
        [Description("json or csv (default: from the file name).")]
        public string? Format { get; init; }

        [CommandOption("--replace-ssh-keys")]
        [Description("An imported account's SSH keys become exactly those of the file (keys not in it are removed), as the seed's sync did.")]
        public bool ReplaceSshKeys { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var import = AccountImportFile.Read(settings.File, settings.Format, settings.ReplaceSshKeys);
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var report = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).ImportAsync(import);
        if (settings.Json)
        {
            Output.WriteJson(report);
        }
        else
        {
            foreach (var line in report.Lines.Where(l => l.Outcome == "skipped"))
                Console.WriteLine($"skipped {line.Subject}: {line.Reason}");
            Console.WriteLine($"{settings.File}: {report.Added} added, {report.Updated} updated, {report.Unchanged} unchanged, {report.Skipped} skipped. " +
                "See them with: autobuilder accounts list");
        }
        return report.Skipped == 0 ? 0 : 1;
    }
}
