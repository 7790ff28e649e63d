using Autobuilder.Grains.Security;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Security;

/// <summary>
/// docker/provision-certs.sh (what compose.yaml's "certs" service runs) with the real console: a
/// silo starts on the certificates it provisioned, the CA's key stays with the CA, and running it
/// again changes nothing.
/// </summary>
public sealed class ProvisionCertsTests
{
    private static string Script => Path.Combine(Checkout.Root, "docker", "provision-certs.sh");

    private static ToolResult Provision(string ca, string target, string admin) =>
        Tool.Run("sh", [Script, ca, target, "silo"], environment: new Dictionary<string, string>
        {
            ["AUTOBUILDER_CONSOLE"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "autobuilder.dll")}",
            ["AUTOBUILDER_ADMIN"] = admin,
            ["AUTOBUILDER_ADMIN_HOST"] = "silo",
            ["AUTOBUILDER_OWNER"] = "",
        }, timeout: TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Should_start_a_silo_on_the_provisioned_certificates_When_the_script_ran()
    {
        // Arrange
        using var root = new TempDir("ab-provision-");
        var ca = root["ca"];
        var target = root["hosts"];
        var admin = CertificateNames.ForCurrentUser();

        // Act
        Provision(ca, target, admin).Ok();
        var first = File.ReadAllBytes(Path.Combine(ca, "ca.crt"));
        Provision(ca, target, admin).Ok();
        await using var silo = new SiloProcess(Path.Combine(target, "silo"));
        await silo.StartAsync();
        var status = AdminCli.Run(silo, "status");

        // Assert
        Assert.True(status.ExitCode == 0, $"the console could not use the provisioned admin certificate:\n{status.Stdout}\n{status.Stderr}");
        var certs = Path.Combine(target, "silo", "certs");
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(ca, "ca.crt")));
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(certs, "ca.crt")));
        Assert.False(File.Exists(Path.Combine(certs, "ca.key")), "the CA's key was copied to a silo host");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(certs));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(certs, "silos", "silo.pem")));
        Assert.DoesNotContain("made the autobuilder's certificate authority", silo.Output);
    }

    [Fact]
    public void Should_refuse_a_name_that_is_not_a_plain_word_When_given_one()
    {
        using var root = new TempDir("ab-provision-");

        var result = Tool.Run("sh", [Script, root["ca"], root["hosts"], "../x"], environment: new Dictionary<string, string>
        {
            ["AUTOBUILDER_CONSOLE"] = "false",
        });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a silo name", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(root["hosts"], "..", "x")));
    }
}
