using System.ComponentModel;
using Autobuilder.Grains.Security;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Certs;

/// <summary><c>autobuilder certs issue NAME --role ROLE</c>: a user's certificate, CA and key in one file readable only by its owner.</summary>
public sealed class CertsIssueCommand : Command<CertsIssueCommand.Settings>
{
    public sealed class Settings : CertsSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("Who the certificate is for (a-z, 0-9, '.', '_', '-'); it names them in the audit log.")]
        public string Name { get; init; } = "";

        [CommandOption("--role <ROLE>")]
        [Description("reader (look), operator (also retry, drain, enable, promote) or admin (everything).")]
        public string Role { get; init; } = "";

        [CommandOption("--days <N>")]
        [Description("How long it is valid (default 730).")]
        public int Days { get; init; } = 730;

        [CommandOption("--force")]
        [Description("Replace the certificate file NAME has (the old certificate stays valid until revoked).")]
        public bool Force { get; init; }

        public override ValidationResult Validate()
        {
            if (CertificateNames.Problem(Name) is { } problem)
                return ValidationResult.Error(problem);
            if (!AccessRoles.UserRoles.Contains(AccessRoles.Parse(Role)))
                return ValidationResult.Error($"--role must be reader, operator or admin, not '{Role}'");
            return Days is < 1 or > 3650 ? ValidationResult.Error("--days must be 1 to 3650") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var authority = CertsSettings.Existing(settings);
        IssuedCertificate issued;
        try
        {
            issued = authority.Issue(settings.Name, AccessRoles.Parse(settings.Role), TimeSpan.FromDays(settings.Days), settings.Force);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConsoleException(ex.Message);
        }
        if (settings.Json)
            Output.WriteJson(issued);
        else
            Console.WriteLine($"{issued.Name}: {issued.Role.Name()} certificate, serial {issued.Serial}, valid until {issued.NotAfter:u}, in {issued.Path} (mode 0600). " +
                              $"Hand it to its owner; they use it with: autobuilder status --cert FILE (or AUTOBUILDER_CERT=FILE)");
        return 0;
    }
}
