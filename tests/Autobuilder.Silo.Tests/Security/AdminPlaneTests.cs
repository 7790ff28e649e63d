using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Security;

/// <summary>The admin plane of one silo of role "all": its CA made on first start, refusals with reasons, the audit log.</summary>
[Collection(PipelineCollection.Name)]
public sealed class AdminPlaneTests(PipelineFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    [Fact]
    public async Task Should_refuse_each_bad_caller_with_its_reason_and_audit_only_allowed_changes_When_a_silo_runs()
    {
        await AdminPlaneChecks.RunAsync(new CertificateAuthority(Silo.CertificatesFolder), Silo.GatewayPort, "localhost/abbuild1",
            Environment.MachineName.ToLowerInvariant(), "one");
    }

    [Fact]
    public void Should_make_the_CA_and_keep_every_key_private_When_the_silo_first_starts()
    {
        var folder = Silo.CertificatesFolder;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "silos", "silo.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Silo.ClientCertificate));
        using var admin = Credential.Load(Silo.ClientCertificate);
        Assert.Equal(AccessRole.Admin, admin.Identity.Role);
        Assert.Equal(CertificateNames.ForCurrentUser(), admin.Identity.Name);
    }

    [Fact]
    public async Task Should_refuse_internal_methods_When_even_an_admin_calls_them()
    {
        // The tests' own client holds the admin certificate: still no silo.
        var files = await Assert.ThrowsAsync<AccessRefusedException>(() =>
            Silo.Grains.GetGrain<IHostFilesGrain>(Environment.MachineName.ToLowerInvariant()).DeleteAsync("gnupg"));
        var receive = await Assert.ThrowsAsync<AccessRefusedException>(() =>
            Silo.Grains.GetGrain<IBuildSchedulerGrain>(0).DropAsync("bookworm/x_1/1"));

        Assert.Contains("internal to the autobuilder's silos", files.Message);
        Assert.Contains("role admin", files.Message);
        Assert.Contains("IBuildSchedulerGrain.DropAsync", receive.Message);
        Assert.True(Directory.Exists(Path.Combine(Silo.DataRoot, "gnupg")));
    }
}
