namespace Autobuilder.Grains;

/// <summary>
/// The roles a silo can play (ARCHITECTURE.md §2) and the silo metadata keys that announce them.
/// Grains that must run next to their files are placed by role (see RolePlacementAttribute).
/// </summary>
public static class SiloRoles
{
    /// <summary>Everything in one silo: the single-host default.</summary>
    public const string All = "all";

    /// <summary>Intake, verification, scheduling, uploads, mail, the dashboard.</summary>
    public const string Garage = "garage";

    /// <summary>The builder-slot grains of its own host (or hosts), and their builds.</summary>
    public const string Builder = "builder";

    /// <summary>Repositories and distributions, publishing.</summary>
    public const string Stage = "stage";

    /// <summary>A separate SSH drop host: sshd's uploader keys and areas, written from the garage's directory; complete uploads shipped to the garage.</summary>
    public const string Drop = "drop";

    public static IReadOnlyList<string> Known { get; } = [All, Garage, Builder, Stage, Drop];

    /// <summary>Silo metadata key: the silo's role.</summary>
    public const string RoleKey = "autobuilder.role";

    /// <summary>Silo metadata key: the host the silo runs on (its name in slot keys "host/user").</summary>
    public const string HostKey = "autobuilder.host";

    /// <summary>Silo metadata key: comma-separated hosts whose slots this silo runs ("*": any host).</summary>
    public const string SlotHostsKey = "autobuilder.slot-hosts";
}
