using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>Dashboard settings a silo refuses at start, before anything listens.</summary>
public sealed class DashboardSettingsTests
{
    [Fact]
    public async Task Should_refuse_to_start_When_the_dashboard_would_be_open_to_the_network()
    {
        using var root = new TempDir("ab-dash-");
        await using var silo = new SiloProcess(root["var"], config => config["Dashboard"] = new System.Text.Json.Nodes.JsonObject
        {
            ["Enabled"] = true,
            ["Address"] = "0.0.0.0",
            ["Port"] = SiloProcess.FreePort(),
        });

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(silo.StartAsync);

        Assert.Contains("exited with 2", ex.Message);
        Assert.Contains("open to the network: set Dashboard:Username and Dashboard:Password", ex.Message);
    }
}
