using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Autobuilder.Admin.Cluster;

/// <summary>An Orleans client connected to a running autobuilder through one gateway.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    public const string DefaultGateway = "127.0.0.1:30000";
    private readonly IHost _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterConnection> ConnectAsync(ClusterSettings settings, CancellationToken ct)
    {
        var gateway = settings.Gateway ?? Environment.GetEnvironmentVariable("AUTOBUILDER_GATEWAY") ?? DefaultGateway;
        if (!IPEndPoint.TryParse(gateway, out var endpoint) || endpoint.Port == 0)
            throw new ConsoleException($"'{gateway}' is not a gateway address; expected HOST:PORT such as {DefaultGateway}");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(endpoint);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "autobuilder";
                o.ServiceId = "autobuilder";
            });
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
        });
        var host = builder.Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await host.StartAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not ConsoleException)
        {
            host.Dispose();
            throw new ConsoleException($"cannot reach the autobuilder at {gateway}: {ex.Message.Split('\n')[0]} (is the silo running? start it with ./run.sh)");
        }
        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(2));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
