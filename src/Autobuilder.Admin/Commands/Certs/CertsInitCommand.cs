using System.ComponentModel;
using Autobuilder.Grains.Security;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Certs;

/// <summary>
/// <c>autobuilder certs init</c>: the CA (if the folder has none), a certificate per silo named,
/// and an admin certificate. Running it again only adds what is missing.
/// </summary>
public sealed class CertsInitCommand : Command<CertsInitCommand.Settings>
{
    public sealed class Settings : CertsSettings
    {
        [CommandOption("--silo <NAME>")]
        [Description("A silo certificate to make (repeat; default 'silo', the one silo of role all). A cluster names each host (Cluster:HostName).")]
        public string[] Silos { get; init; } = [];

        [CommandOption("--admin <NAME>")]
        [Description("The admin certificate to make (default: your user name).")]
        public string? Admin { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var authority = settings.Authority();
        var silos = settings.Silos.Length > 0 ? settings.Silos : ["silo"];
        var admin = settings.Admin ?? CertificateNames.ForCurrentUser();
        foreach (var name in silos.Append(admin))
        {
            if (CertificateNames.Problem(name) is { } problem)
                throw new ConsoleException(problem);
        }
        var written = authority.Init(silos, admin);
        foreach (var file in written)
            Console.WriteLine($"wrote {file}");
        if (written.Count == 0)
            Console.WriteLine($"{authority.Folder}: the CA and every certificate named exist already");
        Console.WriteLine($"Each silo needs its silos/NAME.pem (and revoked.txt) in its certificates folder (Autobuilder:Security:Folder); give users certificates with: autobuilder certs issue NAME --role reader --dir {authority.Folder}");
        return 0;
    }
}
