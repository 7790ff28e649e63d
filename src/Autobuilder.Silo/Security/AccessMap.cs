using System.Collections.Concurrent;
using System.Reflection;
using Autobuilder.Grains.Security;

namespace Autobuilder.Silo.Security;

/// <summary>
/// The role a grain method needs: its <see cref="AccessAttribute"/>. A method without one, and any
/// grain interface that is not the autobuilder's (Orleans' own management grains, the dashboard's),
/// is for silos only: what is not marked is closed.
/// </summary>
public static class AccessMap
{
    private static readonly Assembly Contracts = typeof(AccessAttribute).Assembly;
    private static readonly ConcurrentDictionary<MethodInfo, AccessRole> Cache = new();

    /// <summary>Orleans' own system calls every client makes when it connects (the cluster's type manifest): any certificate of ours.</summary>
    private static readonly HashSet<string> ClientProtocol = ["Orleans.Runtime.IClusterManifestSystemTarget"];

    /// <summary>
    /// Orleans' own connection protocol (the type manifest): open to a revoked certificate of ours
    /// too, so that its console connects and hears from its first call why it is refused.
    /// </summary>
    public static bool IsClientProtocol(MethodInfo? method) => method?.DeclaringType?.FullName is { } type && ClientProtocol.Contains(type);

    public static AccessRole Needed(MethodInfo? method)
    {
        if (method is null)
            return AccessRole.Silo;
        if (method.DeclaringType?.FullName is { } type && ClientProtocol.Contains(type))
            return AccessRole.Reader;
        return Cache.GetOrAdd(method, static m =>
            m.DeclaringType?.Assembly == Contracts && m.GetCustomAttribute<AccessAttribute>() is { } access ? access.Role : AccessRole.Silo);
    }
}
