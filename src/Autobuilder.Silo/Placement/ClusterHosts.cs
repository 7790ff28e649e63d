using Autobuilder.Grains;
using Autobuilder.Silo.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Autobuilder.Silo.Placement;

/// <summary>Which host runs a role right now, from the active silos' metadata: where the garage's or the stage's files are.</summary>
public sealed class ClusterHosts(IClusterMembershipService membership, ISiloMetadataCache metadata, SiloIdentity self)
{
    /// <summary>The host of an active silo of <paramref name="role"/> (this one's, if it plays it).</summary>
    /// <exception cref="NoSiloForRoleException">No silo of the role is up.</exception>
    public string HostOf(string role)
    {
        if (self.Role == role)
            return self.HostName;
        foreach (var (silo, member) in membership.CurrentSnapshot.Members)
        {
            if (member.Status != SiloStatus.Active)
                continue;
            var values = metadata.GetSiloMetadata(silo).Metadata;
            if (values.GetValueOrDefault(SiloRoles.RoleKey) == role && values.GetValueOrDefault(SiloRoles.HostKey) is { Length: > 0 } host)
                return host;
        }
        throw new NoSiloForRoleException(role, null, "file transfers");
    }

    /// <summary>The hosts of every active silo of <paramref name="role"/> (none is an empty list): where the drop hosts are.</summary>
    public IReadOnlyList<string> HostsOf(string role)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        if (self.Role == role)
            found.Add(self.HostName);
        foreach (var (silo, member) in membership.CurrentSnapshot.Members)
        {
            if (member.Status != SiloStatus.Active)
                continue;
            var values = metadata.GetSiloMetadata(silo).Metadata;
            if (values.GetValueOrDefault(SiloRoles.RoleKey) == role && values.GetValueOrDefault(SiloRoles.HostKey) is { Length: > 0 } host)
                found.Add(host);
        }
        return [.. found];
    }
}
