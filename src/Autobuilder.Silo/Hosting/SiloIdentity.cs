using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Microsoft.Extensions.Configuration;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// Who this silo is in the cluster: its role, its host, and the hosts whose builder slots it runs.
/// Announced to the other silos as silo metadata; placement and the role's services follow from it.
/// </summary>
public sealed class SiloIdentity
{
    public SiloIdentity(string role, string hostName, IEnumerable<string> slotHosts)
    {
        if (!SiloRoles.Known.Contains(role))
            throw new InvalidOperationException($"unknown silo role '{role}' (Autobuilder:Role): use {string.Join(", ", SiloRoles.Known)}");
        Role = role;
        HostName = hostName;
        SlotHosts = role == SiloRoles.All ? ["*"] : [.. slotHosts.Where(h => h.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    public string Role { get; }

    public string HostName { get; }

    /// <summary>Hosts whose slots run here; "*" for any. Empty unless the silo plays the builder role.</summary>
    public IReadOnlyList<string> SlotHosts { get; }

    /// <summary>Whether this silo does the work of <paramref name="role"/> (role "all" does every role's).</summary>
    public bool Plays(string role) => Role == role || Role == SiloRoles.All;

    public bool RunsSlotsOf(string host) => Plays(SiloRoles.Builder) && (SlotHosts.Contains(host) || SlotHosts.Contains("*"));

    public Dictionary<string, string> Metadata() => new()
    {
        [SiloRoles.RoleKey] = Role,
        [SiloRoles.HostKey] = HostName,
        [SiloRoles.SlotHostsKey] = string.Join(',', SlotHosts),
    };

    /// <summary>From the configuration: Autobuilder:Role, Cluster:HostName, and the slots this silo is given.</summary>
    public static SiloIdentity From(IConfiguration configuration)
    {
        var options = configuration.GetSection(AutobuilderOptions.Section).Get<AutobuilderOptions>() ?? new AutobuilderOptions();
        var cluster = configuration.GetSection(SiloClusterOptions.Section).Get<SiloClusterOptions>() ?? new SiloClusterOptions();
        var host = cluster.HostName.Length > 0 ? cluster.HostName : Environment.MachineName.ToLowerInvariant();
        var slotHosts = options.Role == SiloRoles.Builder
            ? new[] { host }.Concat(SlotConfigs.FromOptions(options).Select(s => s.Host)).Concat(cluster.SlotHosts)
            : [];
        return new SiloIdentity(options.Role, host, slotHosts);
    }
}
