using System.Net;
using System.Net.Security;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Connections.Security;

namespace Autobuilder.Silo.Security;

/// <summary>
/// Wires the admin plane into a silo: its certificate (made with the CA on the first start of role
/// "all"), mutual TLS on the silo and gateway ports, the access filter and the silo's own proofs.
/// </summary>
public static class SiloSecurity
{
    public static SecurityOptions Options(IConfiguration configuration) =>
        configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

    /// <summary>The certificates folder this silo uses.</summary>
    public static string Folder(IConfiguration configuration)
    {
        var options = Options(configuration);
        return Path.GetFullPath(options.Folder.Length > 0
            ? options.Folder
            : Path.Combine(configuration["Autobuilder:DataRoot"] ?? "./var", "certs"));
    }

    public static void AddAutobuilderSecurity(this ISiloBuilder silo, IConfiguration configuration, SiloIdentity identity)
    {
        var options = Options(configuration);
        if (!options.Enabled)
        {
            Console.Error.WriteLine("autobuilder-silo: warning: Autobuilder:Security:Enabled is false: no TLS and no access control; anyone who reaches a port is an administrator");
            return;
        }
        var authority = new CertificateAuthority(Folder(configuration));
        var siloName = options.SiloName.Length > 0 ? options.SiloName : identity.Role == SiloRoles.All ? "silo" : identity.HostName;
        if (identity.Role == SiloRoles.All && !authority.Exists)
        {
            // The embedded default: one machine, one silo, and the user who started it is its admin.
            var admin = CertificateNames.ForCurrentUser();
            authority.Init([siloName], admin);
            Console.Error.WriteLine($"autobuilder-silo: made the autobuilder's certificate authority in {authority.Folder}; " +
                                    $"admin certificate for '{admin}': {authority.UserPath(admin)} (the console finds it)");
        }
        var path = authority.SiloPath(siloName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"no certificate for silo '{siloName}' at {path}: make it where the CA is (autobuilder certs init --dir DIR --silo {siloName}) " +
                $"and copy silos/{siloName}.pem and revoked.txt into {authority.Folder}");
        }
        var credential = Credential.Load(path);
        var trust = new CertificateTrust(credential.Authority, new RevocationList(authority.RevokedPath));
        if (credential.Identity.Role != AccessRole.Silo)
            throw new InvalidOperationException($"{path} is not a silo certificate (it is {credential.Identity})");
        if (trust.Problem(credential.Certificate, CertificateNames.ServerAuthOid, CertificateNames.SiloUsageOid) is { } problem)
            throw new InvalidOperationException($"this silo's certificate {path}: {problem}");

        silo.Services.AddSingleton(credential);
        silo.Services.AddSingleton(trust);
        if (options.BenchmarkWithoutCallProofs)
        {
            Console.Error.WriteLine("autobuilder-silo: warning: Autobuilder:Security:BenchmarkWithoutCallProofs is true: no access control; any certificate of the CA is an administrator");
        }
        else
        {
            silo.Services.AddSingleton<ProofVerifier>();
            silo.AddIncomingGrainCallFilter<AccessFilter>();
            silo.AddOutgoingGrainCallFilter<SiloProofFilter>();
        }
        if (options.BenchmarkWithoutTls)
        {
            Console.Error.WriteLine("autobuilder-silo: warning: Autobuilder:Security:BenchmarkWithoutTls is true: no TLS; call proofs travel in clear");
            return;
        }

        var siloPort = configuration.GetValue("Orleans:SiloPort", 11111);
        silo.UseTls(credential.Certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.OnAuthenticateAsServer = (connection, ssl) =>
            {
                // The silo port takes silos only (their certificates carry the silo usage); the
                // gateway takes any certificate of our CA, and the access filter then checks its role.
                var toSiloPort = connection.LocalEndPoint is IPEndPoint local && local.Port == siloPort;
                ((SslServerAuthenticationOptions)ssl.SslServerAuthenticationOptions).CertificateChainPolicy = toSiloPort
                    ? trust.Policy(CertificateNames.ClientAuthOid, CertificateNames.SiloUsageOid)
                    : trust.Policy(CertificateNames.ClientAuthOid);
            };
            tls.OnAuthenticateAsClient = (_, ssl) =>
            {
                ssl.TargetHost = CertificateNames.SiloHostName;
                ((SslClientAuthenticationOptions)ssl.SslClientAuthenticationOptions).CertificateChainPolicy =
                    trust.Policy(CertificateNames.ServerAuthOid, CertificateNames.SiloUsageOid);
            };
            // A revoked silo is cut off here; a revoked user's console still connects, so that the
            // access filter can tell it why each call is refused.
            tls.RemoteCertificateValidation = (certificate, _, errors) =>
                errors == SslPolicyErrors.None
                && !(CertificateIdentity.Of(certificate) is { Role: AccessRole.Silo } peer && trust.Revocations.IsRevoked(peer.Serial));
        });
    }
}
