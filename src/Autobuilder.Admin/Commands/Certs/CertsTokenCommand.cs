using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Certs;

/// <summary><c>autobuilder certs token NAME</c>: a dashboard password for NAME (signed by the CA; ends when NAME is revoked).</summary>
public sealed class CertsTokenCommand : Command<CertsTokenCommand.Settings>
{
    public sealed class Settings : CertsSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("Who logs in (they need a valid certificate).")]
        public string Name { get; init; } = "";

        [CommandOption("--days <N>")]
        [Description("How long the token is valid (default 30).")]
        public int Days { get; init; } = 30;

        public override ValidationResult Validate() =>
            Days is < 1 or > 365 ? ValidationResult.Error("--days must be 1 to 365") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var authority = CertsSettings.Existing(settings);
        string token;
        try
        {
            token = authority.Token(settings.Name, TimeSpan.FromDays(settings.Days));
        }
        catch (InvalidOperationException ex)
        {
            throw new ConsoleException(ex.Message);
        }
        // The token alone on stdout, for scripts; how to use it on stderr.
        Console.WriteLine(token);
        Console.Error.WriteLine($"Dashboard login: user '{settings.Name}', password: the token above (valid {settings.Days} days).");
        return 0;
    }
}
