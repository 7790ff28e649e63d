using System.Net;

namespace Autobuilder.Grains.Options;

/// <summary>
/// "Autobuilder:Web": the status pages and the JSON API (/api/v1), served by the garage silo (or
/// the one silo of role "all") on an endpoint of their own. This first version is read-only and
/// open to whoever reaches it, so it listens on loopback only; logins, roles and TLS come with
/// the pages' actions (issue 13).
/// </summary>
public sealed class WebOptions
{
    public bool Enabled { get; set; }

    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8090;

    /// <summary>"open": anyone who reaches the endpoint may read. ("login" is not built yet.)</summary>
    public string ReadAccess { get; set; } = "open";

    /// <summary>Host names requests may carry besides 127.0.0.1, localhost and [::1] (no DNS rebinding from a browser).</summary>
    public List<string> HostNames { get; set; } = [];

    /// <summary>How many uploads of each product the pages read (newest first).</summary>
    public int RecentUploads { get; set; } = 500;

    /// <summary>What is wrong with these options, or null.</summary>
    public string? Problem()
    {
        if (!Enabled)
            return null;
        if (!IPAddress.TryParse(Address, out var address))
            return $"Autobuilder:Web:Address '{Address}' is not an IP address";
        if (!IPAddress.IsLoopback(address))
            return $"Autobuilder:Web:Address {Address}: the pages have no login and no TLS yet, so they listen on loopback only (put a TLS proxy with authentication in front for others)";
        if (Port is < 1 or > 65535)
            return $"Autobuilder:Web:Port {Port} is not a TCP port";
        if (ReadAccess != "open")
            return $"Autobuilder:Web:ReadAccess '{ReadAccess}': only \"open\" exists yet (login-required reading comes with accounts' logins on the pages)";
        if (RecentUploads is < 1 or > 100_000)
            return $"Autobuilder:Web:RecentUploads {RecentUploads} must be between 1 and 100000";
        return null;
    }
}
