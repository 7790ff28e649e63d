using System.Net;

namespace Autobuilder.Grains.Options;

/// <summary>
/// "Autobuilder:Web": the status pages and the JSON API (/api/v1), served by the garage silo (or
/// the one silo of role "all") on an endpoint of their own. Accounts log in (token or password) for
/// the pages' actions and, with <see cref="ReadAccess"/> "login", to read at all. Loopback unless
/// <see cref="Tls"/> is on: logins must not cross a network in the clear.
/// </summary>
public sealed class WebOptions
{
    public bool Enabled { get; set; }

    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8090;

    /// <summary>"open": anyone who reaches the endpoint may read; "login": only logged-in accounts may.</summary>
    public string ReadAccess { get; set; } = "open";

    /// <summary>HTTPS with the autobuilder CA's certificate (or <see cref="CertificateFile"/>); needed to listen beyond loopback.</summary>
    public bool Tls { get; set; }

    /// <summary>A PEM certificate (with its key, or <see cref="KeyFile"/>) instead of the CA-issued one.</summary>
    public string CertificateFile { get; set; } = "";

    public string KeyFile { get; set; } = "";

    /// <summary>How long a login lasts (hours); it survives silo restarts (kept in the grain state).</summary>
    public double SessionHours { get; set; } = 12;

    /// <summary>Failed logins per client address and login per minute before that pair waits.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>Where the Orleans dashboard is reached, linked from the pages for operators (e.g. https://garage:8080/); empty: not linked.</summary>
    public string DashboardUrl { get; set; } = "";

    public bool RequiresLogin => ReadAccess == "login";

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
        if (!IPAddress.IsLoopback(address) && !Tls)
            return $"Autobuilder:Web:Address {Address}: logins would cross the network in the clear; set Autobuilder:Web:Tls to true to listen beyond loopback";
        if (Port is < 1 or > 65535)
            return $"Autobuilder:Web:Port {Port} is not a TCP port";
        if (ReadAccess is not ("open" or "login"))
            return $"Autobuilder:Web:ReadAccess '{ReadAccess}' must be \"open\" or \"login\"";
        if (SessionHours is <= 0 or > 24 * 30)
            return $"Autobuilder:Web:SessionHours {SessionHours} must be above 0 and at most 720";
        if (DashboardUrl.Length > 0 && !(Uri.TryCreate(DashboardUrl, UriKind.Absolute, out var d) && d.Scheme is "http" or "https"))
            return $"Autobuilder:Web:DashboardUrl '{DashboardUrl}' is not an http(s) URL";
        if (RecentUploads is < 1 or > 100_000)
            return $"Autobuilder:Web:RecentUploads {RecentUploads} must be between 1 and 100000";
        return null;
    }
}
