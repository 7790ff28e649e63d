using Autobuilder.Silo.Dashboard;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Benchmarks.Pipeline;

/// <summary>
/// A real silo in the benchmark's process, wired by the same <see cref="SiloHost"/> code as the
/// product, with configuration given as key/value pairs and optional service replacements.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services, for benchmarks that time one of them directly.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// A silo on its own (role "all", localhost clustering), or with <paramref name="clusterMember"/>
    /// one that joins the cluster its settings name (Cluster:Membership, a role), wired as the silo
    /// program wires one: the product's clustering, services and dashboard services.
    /// </summary>
    public static async Task<BenchSilo> StartAsync(Dictionary<string, string?> settings, Action<ISiloBuilder>? replace = null, bool clusterMember = false)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo =>
        {
            if (clusterMember)
                silo.UseAutobuilderClustering(builder.Configuration);
            else
                silo.UseSingleHostClustering(builder.Configuration);
            silo.AddAutobuilder(builder.Configuration);
            if (clusterMember)
                silo.AddAutobuilderDashboard();
            replace?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(5));
        _host.Dispose();
    }

    /// <summary>Settings for a data root and ports no other silo on this machine uses.</summary>
    public static Dictionary<string, string?> Settings(string dataRoot, int portOffset) => new()
    {
        ["Autobuilder:DataRoot"] = dataRoot,
        ["Mail:OutboxDirectory"] = Path.Combine(dataRoot, "outbox"),
        ["Orleans:SiloPort"] = (21111 + portOffset).ToString(),
        ["Orleans:GatewayPort"] = (40000 + portOffset).ToString(),
    };
}
