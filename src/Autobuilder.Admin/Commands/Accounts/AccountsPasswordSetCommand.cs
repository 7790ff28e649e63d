using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts password set LOGIN</c>: a password for the web pages' login. It is read
/// from standard input (its first line) or asked for without echo, never taken as an argument (it
/// would show in the process list and the shell's history); the autobuilder keeps only its PBKDF2 hash.
/// </summary>
public sealed class AccountsPasswordSetCommand : AsyncCommand<AccountsPasswordSetCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account.")]
        public string Login { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var password = Console.IsInputRedirected
            ? await Console.In.ReadLineAsync(cancellationToken) ?? ""
            : AnsiConsole.Prompt(new TextPrompt<string>($"Password for {settings.Login}:").Secret());
        if (password.Length < WebPassword.MinimumLength)
            throw new ConsoleException($"the password must have at least {WebPassword.MinimumLength} characters (it has {password.Length})");
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var change = await cluster.Grains.GetGrain<IWebLoginGrain>(0).SetPasswordAsync(new WebPassword(settings.Login, password));
        return AccountOutput.Change(settings.Json, settings.Login, change, "Log in at the pages' /login");
    }
}
