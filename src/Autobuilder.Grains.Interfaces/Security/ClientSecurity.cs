using System.Net.Security;
using Orleans.Connections.Security;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Autobuilder.Grains.Security;

/// <summary>
/// How an Orleans client (the console, the tests' clients) talks to the autobuilder: mutual TLS with
/// its certificate, accepting only a silo certificate of its own CA, and a <see cref="CallProof"/> on
/// every call.
/// </summary>
public static class ClientSecurity
{
    /// <param name="serverProblem">Told why the silo's certificate was refused (the console prints it).</param>
    public static IClientBuilder UseAutobuilderSecurity(this IClientBuilder client, Credential credential, Action<string>? serverProblem = null)
    {
        // The client does not see the revocation list: the silo checks the client, the CA the silo.
        var trust = new CertificateTrust(credential.Authority, new RevocationList(Path.Combine(Path.GetTempPath(), "ab-no-revocations")));
        client.UseTls(credential.Certificate, o =>
        {
            o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            o.OnAuthenticateAsClient = (_, ssl) =>
            {
                ssl.TargetHost = CertificateNames.SiloHostName;
                ((SslClientAuthenticationOptions)ssl.SslClientAuthenticationOptions).CertificateChainPolicy = trust.Policy(CertificateNames.ServerAuthOid, CertificateNames.SiloUsageOid);
            };
            o.RemoteCertificateValidation = (certificate, _, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                    return true;
                var problem = trust.Problem(certificate, CertificateNames.ServerAuthOid, CertificateNames.SiloUsageOid)
                    ?? $"its certificate '{certificate.Subject}' is not a silo certificate ({errors})";
                serverProblem?.Invoke(problem);
                return false;
            };
        });
        client.AddOutgoingGrainCallFilter(new ClientProofFilter(credential));
        return client;
    }
}

/// <summary>Puts this client's proof on every call it makes; one signature per ten minutes, not per call.</summary>
public sealed class ClientProofFilter(Credential credential) : IOutgoingGrainCallFilter
{
    private readonly Lock _lock = new();
    private CallProof? _proof;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Set(CallProof.Key, Proof(CallProof.ClientSubject));
        return context.Invoke();
    }

    private CallProof Proof(string subject)
    {
        lock (_lock)
        {
            var now = DateTimeOffset.UtcNow;
            if (_proof is null || _proof.Subject != subject || _proof.Expires - now.ToUnixTimeSeconds() < 60)
                _proof = CallProof.Create(credential, subject, now.Add(CallProof.Lifetime));
            return _proof;
        }
    }
}
