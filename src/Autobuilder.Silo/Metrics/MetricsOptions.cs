using System.Net;

namespace Autobuilder.Silo.Metrics;

/// <summary>
/// "Autobuilder:Metrics": the Prometheus scrape endpoint (GET /metrics) of one silo, on a port of
/// its own, so every role has one (builder and stage silos serve no pages) and a scrape never
/// meets the pages' or the dashboard's login. Off unless configured; loopback by default, as the
/// pages. The numbers carry no upload's content (labels are architectures, check names, states).
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Autobuilder:Metrics";

    public bool Enabled { get; set; }

    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 9464;

    /// <summary>Host names a scrape may carry besides 127.0.0.1, localhost, [::1] and the listen address (no DNS rebinding from a browser).</summary>
    public List<string> HostNames { get; set; } = [];

    /// <summary>How often the garage reads the distributions' remote-sync state for autobuilder_remote_sync_lag_seconds.</summary>
    public double RemoteSyncPollSeconds { get; set; } = 15;

    /// <summary>What is wrong with these options, or null.</summary>
    public string? Problem()
    {
        if (!Enabled)
            return null;
        if (!IPAddress.TryParse(Address, out _))
            return $"{Section}:Address '{Address}' is not an IP address";
        if (Port is < 1 or > 65535)
            return $"{Section}:Port {Port} is not a TCP port";
        if (RemoteSyncPollSeconds is < 1 or > 3600)
            return $"{Section}:RemoteSyncPollSeconds {RemoteSyncPollSeconds} must be between 1 and 3600";
        return null;
    }
}
