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
}
