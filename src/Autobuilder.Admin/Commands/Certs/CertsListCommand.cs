using Spectre.Console.Cli;
using Autobuilder.Grains.Security;

namespace Autobuilder.Admin.Commands.Certs;

/// <summary><c>autobuilder certs list</c>: every certificate the CA issued, with role, expiry and revocation.</summary>
public sealed class CertsListCommand : Command<CertsSettings>
{
    public override int Execute(CommandContext context, CertsSettings settings, CancellationToken cancellationToken)
    {
        var issued = CertsSettings.Existing(settings).List();
        if (settings.Json)
        {
            Output.WriteJson(issued.Select(c => new { c.Name, Role = c.Role.Name(), c.Serial, c.NotAfter, c.RevokedAt }));
            return 0;
        }
        Output.WriteTable(["NAME", "ROLE", "SERIAL", "VALID UNTIL", "REVOKED"],
            issued.Select(c => new[] { c.Name, c.Role.Name(), c.Serial, c.NotAfter.ToString("yyyy-MM-dd"), c.RevokedAt?.ToString("yyyy-MM-dd HH:mm'Z'") ?? "" }));
        return 0;
    }
}
