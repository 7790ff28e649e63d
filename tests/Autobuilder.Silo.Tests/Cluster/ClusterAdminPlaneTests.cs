using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Autobuilder.Grains.Security;
using Autobuilder.Silo.Tests.Security;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>The admin plane of the four-process cluster over TLS: the same refusals, the audit on the garage, and a user's certificate kept off the silo port.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterAdminPlaneTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Should_refuse_each_bad_caller_with_its_reason_and_audit_only_allowed_changes_When_talking_to_the_cluster()
    {
        // Through the stage's gateway: the slot is on builder1, the audit log on the garage.
        await AdminPlaneChecks.RunAsync(fixture.Certificates, fixture.Stage.GatewayPort, "builder1/abbuild1", "garage", "cluster", fixture.Stage.Address);
    }

    [Fact]
    public async Task Should_refuse_a_users_certificate_When_it_connects_to_the_silo_to_silo_port()
    {
        fixture.Certificates.Issue("intruder", AccessRole.Admin, TimeSpan.FromDays(1), replace: true);
        using var intruder = Credential.Load(fixture.Certificates.UserPath("intruder"));
        using var silo = Credential.Load(fixture.Certificates.SiloPath("garage"));

        var asUser = await HandshakeAsync(intruder);
        var asSilo = await HandshakeAsync(silo);

        // The user's certificate is cut off; a silo's is let through (the silo then speaks Orleans' preamble, or waits for ours).
        Assert.True(asUser is IOException or System.Security.Authentication.AuthenticationException, $"expected the silo to refuse, got: {asUser}");
        Assert.True(asSilo is null or TimeoutException, $"expected the silo to accept a silo certificate, got: {asSilo}");
    }

    private async Task<Exception?> HandshakeAsync(Credential credential)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Garage.Address, fixture.Garage.SiloPort);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        return await Record.ExceptionAsync(async () =>
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = CertificateNames.SiloHostName,
                ClientCertificates = new X509CertificateCollection { credential.Certificate },
            });
            // TLS 1.3 reports the server's refusal of a client certificate at the first read.
            var read = await tls.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            if (read == 0)
                throw new IOException("closed by the silo");
        });
    }
}
