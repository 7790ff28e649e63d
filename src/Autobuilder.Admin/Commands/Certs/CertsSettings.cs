using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains.Security;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Certs;

/// <summary>Options of every <c>certs</c> command: where the CA is. These commands work on the folder, not through a silo.</summary>
public class CertsSettings : CommandSettings
{
    [CommandOption("--dir <DIR>")]
    [Description("The certificates folder (default: <data root>/certs of silo-config/all.json, i.e. var/certs).")]
    public string? Dir { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON for scripts.")]
    public bool Json { get; init; }

    public CertificateAuthority Authority()
    {
        var folder = Dir ?? Path.Combine(SiloConfigFile.Read(null).DataRoot ?? "./var", "certs");
        return new CertificateAuthority(folder);
    }

    public static CertificateAuthority Existing(CertsSettings settings)
    {
        var authority = settings.Authority();
        if (!authority.Exists)
            throw new ConsoleException($"no certificate authority in {authority.Folder}: make one with 'autobuilder certs init --dir {authority.Folder}' (./run.sh makes var/certs on its first start)");
        return authority;
    }
}
