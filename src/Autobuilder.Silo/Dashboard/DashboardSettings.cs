using System.Net;

namespace Autobuilder.Silo.Dashboard;

/// <summary>
/// The "Dashboard" section: the Orleans dashboard, served by the garage silo (or the single silo
/// of role "all"). Loopback by default. Every request must authenticate (HTTP basic: a name and
/// its token from <c>autobuilder certs token NAME</c>, or the configured user name and password),
/// on loopback too, and name an allowed host. Any address but loopback also needs the configured
/// user name and password (and TLS in front of it).
/// </summary>
public sealed class DashboardSettings
{
    public const string Section = "Dashboard";

    public bool Enabled { get; set; }

    /// <summary>The address to listen on: 127.0.0.1 unless the dashboard must be reached from elsewhere.</summary>
    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8080;

    /// <summary>URL path the dashboard is served under, e.g. "/dashboard"; empty for the root.</summary>
    public string Path { get; set; } = "";

    public string Username { get; set; } = "";

    /// <summary>Set it from the environment (AUTOBUILDER_Dashboard__Password), not in a file others read.</summary>
    public string Password { get; set; } = "";

    /// <summary>Host names requests may carry besides 127.0.0.1, localhost, [::1] and the listen address.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Every host a request may name (host filtering).</summary>
    public IEnumerable<string> Hosts() =>
        new[] { "127.0.0.1", "localhost", "[::1]", ListenAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address }
            .Concat(AllowedHosts).Distinct(StringComparer.OrdinalIgnoreCase);

    public bool RequiresAuthentication => Username.Length > 0 || Password.Length > 0;

    public IPAddress ListenAddress => IPAddress.TryParse(Address, out var a)
        ? a
        : throw new InvalidOperationException($"Dashboard:Address '{Address}' is not an IP address");

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Problem()
    {
        if (!Enabled)
            return null;
        if (!IPAddress.TryParse(Address, out var address))
            return $"Dashboard:Address '{Address}' is not an IP address";
        if (Port is < 1 or > 65535)
            return $"Dashboard:Port {Port} is not a TCP port";
        if (!IPAddress.IsLoopback(address) && (Username.Length == 0 || Password.Length == 0))
            return $"the dashboard on {Address} would be open to the network: set Dashboard:Username and Dashboard:Password (basic authentication), or bind it to 127.0.0.1";
        if (RequiresAuthentication && (Username.Length == 0 || Password.Length == 0 || Username.Contains(':', StringComparison.Ordinal)))
            return "Dashboard:Username (without ':') and Dashboard:Password go together";
        if (Path.Length > 0 && (!Path.StartsWith('/') || Path.EndsWith('/')))
            return $"Dashboard:Path '{Path}' must start with '/' and not end with one";
        return null;
    }
}
