using System.ComponentModel;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Certs;

/// <summary><c>autobuilder certs revoke NAME</c>: every certificate of NAME is refused from now on (silos read revoked.txt again within a second).</summary>
public sealed class CertsRevokeCommand : Command<CertsRevokeCommand.Settings>
{
    public sealed class Settings : CertsSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("Whose certificates to revoke.")]
        public string Name { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var authority = CertsSettings.Existing(settings);
        var serials = authority.Revoke(settings.Name);
        if (serials.Count == 0)
            throw new ConsoleException($"'{settings.Name}' has no certificate to revoke (see: autobuilder certs list)");
        if (settings.Json)
            Output.WriteJson(new { name = settings.Name, revoked = serials });
        else
            Console.WriteLine($"{settings.Name}: revoked {string.Join(", ", serials)}. Silos that do not share {authority.Folder} need its revoked.txt copied to theirs.");
        return 0;
    }
}
