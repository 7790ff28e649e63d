using System.Net;

namespace Autobuilder.Silo.Dashboard;

/// <summary>
/// The "Dashboard" section: the Orleans dashboard, served by the garage silo (or the single silo
/// of role "all"). Loopback by default; any other address needs a user name and password, which
/// every request must then present (HTTP basic authentication, so put TLS in front of it).
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
