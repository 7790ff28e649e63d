using System.Net;
using Autobuilder.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Autobuilder.Admin.Cluster;

/// <summary>
/// An Orleans client connected to a running autobuilder: through the gateways given, or through
/// any live gateway the cluster's PostgreSQL membership table lists (so any silo will do).
/// </summary>
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
        var cluster = settings.Cluster ?? NonEmpty(Environment.GetEnvironmentVariable("AUTOBUILDER_CLUSTER"));
        var gateway = settings.Gateway ?? NonEmpty(Environment.GetEnvironmentVariable("AUTOBUILDER_GATEWAY"));
        if (cluster is not null && settings.Gateway is not null)
            throw new ConsoleException("give either --cluster or --gateway, not both");
        var endpoints = cluster is null ? Gateways(gateway ?? DefaultGateway) : [];
        var clusterId = NonEmpty(Environment.GetEnvironmentVariable("AUTOBUILDER_CLUSTER_ID")) ?? "autobuilder";
        var credential = ClientCertificate.Load(settings.Certificate);
        string? serverProblem = null;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            if (cluster is not null)
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = cluster;
                });
            }
            else
            {
                client.UseStaticClustering(endpoints);
            }
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = clusterId;
            });
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
            client.UseAutobuilderSecurity(credential, problem => serverProblem ??= problem);
        });
        var host = builder.Build();
        var where = cluster is null ? $"the autobuilder at {gateway ?? DefaultGateway}" : "any gateway of the cluster";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // A TLS handshake per gateway and the type manifest: a loaded machine needs more than 10 s.
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            await host.StartAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not ConsoleException)
        {
            host.Dispose();
            if (serverProblem is not null)
            {
                throw new ConsoleException($"refused {where}: {serverProblem}; your certificate {credential.Path} " +
                                           $"('{credential.Identity.Name}', CA '{credential.Authority.Subject}') belongs to another autobuilder");
            }
            if (ex.ToString().Contains("Authentication", StringComparison.OrdinalIgnoreCase) || ex.ToString().Contains("SSL", StringComparison.Ordinal))
            {
                throw new ConsoleException($"{where} refused the TLS handshake with your certificate {credential.Path} ('{credential.Identity.Name}'): " +
                                           "it is not a valid certificate of that autobuilder's CA");
            }
            throw new ConsoleException($"cannot reach {where}: {ex.Message.Split('\n')[0]} (is a silo running? start it with ./run.sh)");
        }
        return new ClusterConnection(host);
    }

    /// <summary>"host:port[,host:port…]" as endpoints; each must be an address and a port.</summary>
    public static IPEndPoint[] Gateways(string list)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPEndPoint.TryParse(item, out var endpoint) || endpoint.Port == 0)
                throw new ConsoleException($"'{item}' is not a gateway address; expected HOST:PORT such as {DefaultGateway}");
            endpoints.Add(endpoint);
        }
        if (endpoints.Count == 0)
            throw new ConsoleException($"no gateway given; expected HOST:PORT such as {DefaultGateway}");
        return [.. endpoints];
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

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
