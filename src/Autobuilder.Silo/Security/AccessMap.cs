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

    /// <summary>
    /// Orleans' own calls any client makes: the cluster's type manifest when it connects, and
    /// cancelling a call of its own (a timeout). Any certificate of ours may make them.
    /// </summary>
    private static readonly HashSet<string> ClientProtocol = ["IClusterManifestSystemTarget", "IGrainCallCancellationExtension"];

    /// <summary>
    /// Orleans' own connection protocol (the type manifest): open to a revoked certificate of ours
    /// too, so that its console connects and hears from its first call why it is refused.
    /// </summary>
    public static bool IsClientProtocol(MethodInfo? method) =>
        method?.DeclaringType is { Namespace: { } space } type && space.StartsWith("Orleans", StringComparison.Ordinal) && ClientProtocol.Contains(type.Name);

    public static AccessRole Needed(MethodInfo? method)
    {
        if (method is null)
            return AccessRole.Silo;
        if (IsClientProtocol(method))
            return AccessRole.Reader;
        return Cache.GetOrAdd(method, static m =>
            m.DeclaringType?.Assembly == Contracts && m.GetCustomAttribute<AccessAttribute>() is { } access ? access.Role : AccessRole.Silo);
    }
}
