using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The audit log (key 0): every change a user made through the admin plane, written by the silos'
/// access filter after the call. Durable (grain state: the local disk in role "all", PostgreSQL in
/// a cluster) and bounded: the oldest entries go once there are <see cref="Capacity"/>.
/// </summary>
public interface IAuditLogGrain : IGrainWithIntegerKey
{
    public const int Capacity = 5000;

    [SiloOnly]
    Task RecordAsync(AuditEntry entry);

    /// <summary>The newest <paramref name="limit"/> entries, oldest first.</summary>
    [Reader]
    Task<IReadOnlyList<AuditEntry>> ListAsync(int limit);
}
