using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Autobuilder.Grains.Security;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Security;

/// <summary>Two silo certificates of one CA pass each other's TLS policies, as silo-to-silo connections need.</summary>
public sealed class SiloHandshakeTests
{
    [Fact]
    public async Task Should_complete_the_handshake_When_two_silos_of_one_CA_connect()
    {
        using var root = new TempDir("ab-handshake-");
        var authority = new CertificateAuthority(root["certs"]);
        authority.Init(["a", "b"], null);
        using var a = Credential.Load(authority.SiloPath("a"));
        using var b = Credential.Load(authority.SiloPath("b"));
        var trust = new CertificateTrust(a.Authority, new RevocationList(authority.RevokedPath));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var errors = new List<string>();

        var server = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(accepted.GetStream(), false, (_, _, _, e) => { errors.Add($"server: {e}"); return e == SslPolicyErrors.None; });
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = a.Certificate,
                ClientCertificateRequired = true,
                CertificateChainPolicy = trust.Policy(CertificateNames.ClientAuthOid, CertificateNames.SiloUsageOid),
            });
            await tls.WriteAsync(new byte[] { 1 });
        });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        await using var clientTls = new SslStream(client.GetStream(), false, (_, _, _, e) => { errors.Add($"client: {e}"); return e == SslPolicyErrors.None; });
        var failure = await Record.ExceptionAsync(async () =>
        {
            await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = CertificateNames.SiloHostName,
                ClientCertificates = [b.Certificate],
                CertificateChainPolicy = trust.Policy(CertificateNames.ServerAuthOid, CertificateNames.SiloUsageOid),
            });
            await clientTls.ReadExactlyAsync(new byte[1]);
            await server;
        });

        Assert.True(failure is null, $"{failure}\n{string.Join("\n", errors)}");
        Assert.Equal(["client: None", "server: None"], errors.Order());
    }
}
