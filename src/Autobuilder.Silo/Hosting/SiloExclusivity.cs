using Autobuilder.Grains.Options;
using Autobuilder.Silo.Dashboard;
using Autobuilder.Silo.HttpUpload;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// What a silo process owns alone: its data root (a lock held for its life) and its ports (checked
/// free before it starts, and checked again once it listens). Only the silo process takes these: the
/// in-process test clusters share one process and no data root.
/// </summary>
public static class SiloExclusivity
{
    /// <summary>
    /// Takes the data root's lock and checks the ports, before anything of the silo starts; throws
    /// <see cref="InvalidOperationException"/> naming the holder. The lock is held until disposed.
    /// </summary>
    public static DataRootLock Acquire(IConfiguration configuration)
    {
        var options = configuration.GetSection(AutobuilderOptions.Section).Get<AutobuilderOptions>() ?? new AutobuilderOptions();
        var dataRootLock = DataRootLock.Acquire(options.DataRoot);
        try
        {
            var address = ClusterHosting.ListenAddress(configuration);
            foreach (var (what, port) in Ports(configuration))
                PortOwners.EnsureFree(what, what switch
                {
                    "dashboard" => DashboardHosting.Settings(configuration).ListenAddress,
                    HttpUploadPort => System.Net.IPAddress.Parse(HttpUploadHosting.Options(configuration).Address),
                    PagesPort => System.Net.IPAddress.Parse(Web.WebHosting.Options(configuration).Address),
                    MetricsPort => System.Net.IPAddress.Parse(Metrics.MetricsHosting.Options(configuration).Address),
                    _ => address,
                }, port);
            return dataRootLock;
        }
        catch
        {
            dataRootLock.Dispose();
            throw;
        }
    }

    /// <summary>After the silo listens: no other process may hold its ports (two silos started at once both passed the first check).</summary>
    public static void AddPortOwnershipCheck(this ISiloBuilder silo, IConfiguration configuration)
    {
        var ports = Ports(configuration).Where(p => p.What is not ("dashboard" or HttpUploadPort or PagesPort or MetricsPort)).ToList();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
            new PortOwnershipCheck(ports, sp.GetRequiredService<ILogger<PortOwnershipCheck>>()));
    }

    private static IEnumerable<(string What, int Port)> Ports(IConfiguration configuration)
    {
        var orleans = configuration.GetSection("Orleans");
        yield return ("silo", orleans.GetValue("SiloPort", 11111));
        yield return ("gateway", orleans.GetValue("GatewayPort", 30000));
        var dashboard = DashboardHosting.Settings(configuration);
        if (dashboard.Enabled)
            yield return ("dashboard", dashboard.Port);
        var upload = HttpUploadHosting.Options(configuration);
        if (upload.Enabled)
            yield return (HttpUploadPort, upload.Port);
        var pages = Web.WebHosting.Options(configuration);
        if (pages.Enabled)
            yield return (PagesPort, pages.Port);
        var metrics = Metrics.MetricsHosting.Options(configuration);
        if (metrics.Enabled)
            yield return (MetricsPort, metrics.Port);
    }

    private const string HttpUploadPort = "HTTP upload";
    private const string PagesPort = "web pages";
    private const string MetricsPort = "metrics";

    private sealed class PortOwnershipCheck(IReadOnlyList<(string What, int Port)> ports, ILogger<PortOwnershipCheck> logger)
        : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            // After Active: the gateway accepts clients from Active on.
            lifecycle.Subscribe(nameof(PortOwnershipCheck), ServiceLifecycleStage.Active + 1, _ =>
            {
                foreach (var (what, port) in ports)
                {
                    var others = PortOwners.Others(port);
                    if (others.Count > 0)
                    {
                        var message = $"{what} port {port} is also held by {PortOwners.Describe(others)}: one of us would answer at random; stopping";
                        logger.LogCritical("{Message}", message);
                        throw new SiloExclusivityException(message);
                    }
                }
                return Task.CompletedTask;
            });
    }
}

/// <summary>Another process holds what this silo must own alone; the message names it.</summary>
public sealed class SiloExclusivityException(string message) : InvalidOperationException(message);
