using Autobuilder.Grains;
using Autobuilder.Silo.Metrics;
using Autobuilder.Testing;
using Microsoft.Extensions.Configuration;

namespace Autobuilder.Silo.Tests.Metrics;

/// <summary>autobuilder_remote_sync_lag_seconds from the distributions' public status, and the metrics options' checks.</summary>
public sealed class RemoteSyncLagTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static RepositoryInfo Repository(params DistributionStatus[] distributions) =>
        new("extras-devel", ["bookworm"], ["main"], ["amd64"], true, 3, "/srv/live", "/srv/key.asc", null, null, null, distributions);

    private static DistributionStatus Distribution(string product, long published, RemoteLiveStatus? remote, params PublishRecord[] history) =>
        new("extras-devel", product, published, published, history.LastOrDefault()?.At, published, 1, 1, null, history, [], remote);

    private static RemoteLiveStatus Remote(long? generation, string? error = null) =>
        new("ab@live:22:/srv/archive", generation, generation?.ToString(), Now.AddMinutes(-30), Now.AddMinutes(-1), error);

    [Fact]
    public void Should_report_zero_When_the_remote_serves_the_published_generation()
    {
        var lag = RemoteSyncPoller.Lag([Repository(Distribution("bookworm", 7, Remote(7), new PublishRecord(7, Now.AddHours(-2), 1, "")))], Now);
        Assert.Equal(0, lag["extras-devel/bookworm"]);
    }

    [Fact]
    public void Should_count_from_the_oldest_publish_the_remote_lacks_When_it_is_behind()
    {
        // The remote serves 5; 6 was published 10 minutes ago, 7 two minutes ago: 10 minutes behind.
        var lag = RemoteSyncPoller.Lag([Repository(Distribution("bookworm", 7, Remote(5, "connection refused"),
            new PublishRecord(5, Now.AddHours(-1), 1, ""), new PublishRecord(6, Now.AddMinutes(-10), 1, ""), new PublishRecord(7, Now.AddMinutes(-2), 1, "")))], Now);
        Assert.Equal(600, lag["extras-devel/bookworm"]);
    }

    [Fact]
    public void Should_leave_out_distributions_without_a_remote_tree_When_computing_lag()
    {
        var lag = RemoteSyncPoller.Lag([Repository(Distribution("bookworm", 3, null, new PublishRecord(3, Now, 1, "")))], Now);
        Assert.Empty(lag);
    }

    [Theory]
    [InlineData("not-an-address", 9464, "is not an IP address")]
    [InlineData("127.0.0.1", 0, "is not a TCP port")]
    public void Should_name_the_key_When_metrics_options_are_wrong(string address, int port, string problem)
    {
        var options = new MetricsOptions { Enabled = true, Address = address, Port = port };
        Assert.Contains(problem, options.Problem());
        Assert.StartsWith("Autobuilder:Metrics:", options.Problem());
        Assert.Null(new MetricsOptions { Enabled = false, Address = address, Port = port }.Problem());
    }

    [Fact]
    public void Should_serve_metrics_on_loopback_on_a_port_per_role_When_the_shipped_files_are_read()
    {
        var ports = new[] { "garage", "stage", "builder" }.Select(role =>
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(Checkout.Root, "silo-config", role + ".json"), optional: false).Build();
            var options = MetricsHosting.Options(configuration);
            Assert.True(options.Enabled, role);
            Assert.Equal("127.0.0.1", options.Address);
            return options.Port;
        }).ToList();
        // Three silos of a small cluster may share one host.
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}

