using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary><c>autobuilder accounts add LOGIN --name NAME --email ADDRESS [--group G]…</c>: a new uploader, enabled, without keys or rights yet.</summary>
public sealed class AccountsAddCommand : AsyncCommand<AccountsAddCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account's login: a lower-case letter, then up to 31 of a-z 0-9 . _ - (it names the upload area and is the HTTP user).")]
        public string Login { get; init; } = "";

        [CommandOption("--name <NAME>")]
        [Description("Real name, for mails and listings.")]
        public string Name { get; init; } = "";

        [CommandOption("--email <ADDRESS>")]
        [Description("Where the account's upload mails go.")]
        public string Email { get; init; } = "";

        [CommandOption("--group <GROUP>")]
        [Description("A group the account is in (repeat for several); rights granted to @GROUP apply to it.")]
        public string[] Groups { get; init; } = [];

        public override Spectre.Console.ValidationResult Validate() =>
            Name.Trim().Length == 0 ? Spectre.Console.ValidationResult.Error("say the account's real name with --name")
            : Email.Trim().Length == 0 ? Spectre.Console.ValidationResult.Error("say the account's e-mail address with --email")
            : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).AddAsync(
            new NewAccount(settings.Login, settings.Name, settings.Email, settings.Groups));
        return AccountOutput.Change(settings.Json, settings.Login, change,
            $"Follow it with: autobuilder accounts key add {settings.Login} --ssh ~/.ssh/id_ed25519.pub, and autobuilder accounts grant {settings.Login} REPOSITORY PRODUCT");
    }
}
