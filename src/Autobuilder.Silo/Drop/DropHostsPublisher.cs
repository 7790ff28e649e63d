using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Drop;

/// <summary>
/// Garage of a cluster: after every change of the directory (and on <c>accounts sync</c> and its
/// timer) sends each separate drop host that is up (silos of role "drop") what it needs
/// (<see cref="DropAccess"/>: logins, enabled, SSH keys, products), and waits for it to have written
/// its key index, so a key removed by an operator cannot log in once the console has answered. A drop
/// host that is down catches up when it starts (it asks the directory) and on its own timer.
/// </summary>
public sealed partial class DropHostsPublisher(
    IGrainFactory grains,
    ClusterHosts hosts,
    IOptions<AutobuilderOptions> options,
    ILogger<DropHostsPublisher> logger) : IAccountSnapshotWriter
{
    public async Task WriteAsync(AccountSnapshot snapshot, CancellationToken ct = default)
    {
        var drops = hosts.HostsOf(SiloRoles.Drop);
        if (drops.Count == 0)
            return;
        var access = snapshot.ForDropHost(options.Value.Products);
        var failures = new List<string>();
        // One after the other: there are one or two drop hosts, and each write takes milliseconds.
        foreach (var host in drops)
        {
            try
            {
                var said = await grains.GetGrain<IDropHostGrain>(host).PublishAsync(access);
                LogPublished(logger, host, said);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{host}: {ex.Message}");
            }
        }
        if (failures.Count > 0)
            throw new InvalidOperationException($"drop host(s) not updated to directory version {snapshot.Version}: {string.Join("; ", failures)} (each asks again at its next sync)");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drop host {Host}: {Said}")]
    private static partial void LogPublished(ILogger logger, string host, string said);
}
