using Orleans.Runtime;

namespace Autobuilder.Grains;

/// <summary>
/// A grain that must run on a silo of some role (or of some builder host) was called while no such
/// silo is up. The work behind the call is not lost: it waits where it is until such a silo joins.
/// </summary>
[GenerateSerializer]
public sealed class NoSiloForRoleException : OrleansException
{
    public NoSiloForRoleException()
    {
    }

    public NoSiloForRoleException(string message) : base(message)
    {
    }

    public NoSiloForRoleException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public NoSiloForRoleException(string role, string? host, string grain)
        : base(host is null
            ? $"no silo of role '{role}' is up to run {grain}; start one (silo-config/{role}.json)"
            : $"no silo of role '{role}' for host '{host}' is up to run {grain}; start the builder silo of {host}")
    {
        Role = role;
        Host = host;
    }

    [Id(0)] public string? Role { get; init; }

    [Id(1)] public string? Host { get; init; }
}
