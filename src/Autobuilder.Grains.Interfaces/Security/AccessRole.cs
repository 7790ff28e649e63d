namespace Autobuilder.Grains.Security;

/// <summary>
/// What a caller may do, carried in its certificate. Each role may do what the roles below it
/// may: an operator may look, an admin may operate. <see cref="Silo"/> is no user's role: only
/// silo certificates carry it, and only silos may call the methods marked <see cref="SiloOnlyAttribute"/>.
/// </summary>
public enum AccessRole
{
    None = 0,
    /// <summary>Status, lists, show, logs.</summary>
    Reader = 1,
    /// <summary>Also retry, drain, enable, promote, publish again, clean up.</summary>
    Operator = 2,
    /// <summary>Everything a user may do: builders add/remove, repo remove/rollback.</summary>
    Admin = 3,
    /// <summary>The silos of the cluster: internal callbacks and file transfer.</summary>
    Silo = 4,
}

public static class AccessRoles
{
    /// <summary>The roles <c>certs issue --role</c> takes (silo certificates come from <c>certs init</c>).</summary>
    public static readonly IReadOnlyList<AccessRole> UserRoles = [AccessRole.Reader, AccessRole.Operator, AccessRole.Admin];

    public static string Name(this AccessRole role) => role.ToString().ToLowerInvariant();

    public static AccessRole Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "reader" => AccessRole.Reader,
        "operator" => AccessRole.Operator,
        "admin" => AccessRole.Admin,
        "silo" => AccessRole.Silo,
        _ => AccessRole.None,
    };

    /// <summary>Whether a caller of <paramref name="held"/> may call a method that needs <paramref name="needed"/>.</summary>
    public static bool Allows(this AccessRole held, AccessRole needed) =>
        needed == AccessRole.Silo ? held == AccessRole.Silo : held >= needed;
}
