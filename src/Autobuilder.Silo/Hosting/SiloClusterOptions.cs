namespace Autobuilder.Silo.Hosting;

/// <summary>
/// The "Cluster" section of a silo's configuration: how this silo finds the others and what it
/// tells them about itself. Role "all" needs none of it (one silo, local files).
/// </summary>
public sealed class SiloClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>Single-host clustering on 127.0.0.1 with state in local files (role "all").</summary>
    public const string LocalMembership = "local";

    /// <summary>Membership, grain state and reminders in PostgreSQL (apply the schema with "autobuilder db init").</summary>
    public const string PostgresMembership = "postgresql";

    /// <summary><see cref="LocalMembership"/> or <see cref="PostgresMembership"/>.</summary>
    public string Membership { get; set; } = LocalMembership;

    /// <summary>Npgsql connection string; set it from the environment (AUTOBUILDER_Cluster__ConnectionString) to keep the password out of files.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The most connections this silo opens to PostgreSQL (Npgsql's "Maximum Pool Size", used unless
    /// the connection string sets one). Npgsql's own default, 100 per silo, lets a burst of grain
    /// activations on two or three silos pass the server's max_connections (100 by default), and
    /// the server then refuses new connections (SQLSTATE 53300); at this bound a burst waits for a
    /// free connection instead. Size max_connections ≥ silos × this + the console's few.
    /// </summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>This host's name: the "host" of its slot keys ("host/user"); defaults to the machine name.</summary>
    public string HostName { get; set; } = "";

    /// <summary>The address other silos and clients reach this silo at; empty means the first non-loopback IPv4 address.</summary>
    public string AdvertisedAddress { get; set; } = "";

    /// <summary>Listen on every local address (containers), not only the advertised one.</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>
    /// Further hosts whose slots this builder silo runs (slots reached over SSH from here), besides
    /// its own host and the hosts of its configured slots; "*" takes slots of any host no other silo claims.
    /// </summary>
    public List<string> SlotHosts { get; set; } = [];
}
