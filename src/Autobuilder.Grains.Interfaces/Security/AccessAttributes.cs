namespace Autobuilder.Grains.Security;

/// <summary>
/// The role a grain method needs, checked on the silo for every call (the access filter). Every
/// method of every grain interface carries one; a test fails when one does not, so no new method is
/// silently open. Calls that need <see cref="AccessRole.Operator"/> or more change something and
/// are written to the audit log.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public abstract class AccessAttribute(AccessRole role) : Attribute
{
    public AccessRole Role { get; } = role;
}

/// <summary>Looks only: any certificate of the autobuilder's CA may call it.</summary>
public sealed class ReaderAttribute() : AccessAttribute(AccessRole.Reader);

/// <summary>Day-to-day operation (retry, drain, enable, promote …): operator or admin.</summary>
public sealed class OperatorAttribute() : AccessAttribute(AccessRole.Operator);

/// <summary>Changes what the autobuilder is (builders, removal, rollback): admin only.</summary>
public sealed class AdminAttribute() : AccessAttribute(AccessRole.Admin);

/// <summary>Internal to the cluster (callbacks, file transfer, start-up): refused to every client.</summary>
public sealed class SiloOnlyAttribute() : AccessAttribute(AccessRole.Silo);
