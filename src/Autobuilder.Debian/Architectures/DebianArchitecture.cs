namespace Autobuilder.Debian.Architectures;

/// <summary>
/// A Debian architecture and its dpkg tuple abi-libc-os-cpu (dpkg's tupletable), e.g. armhf is
/// eabihf-gnu-linux-arm. Wildcards like "linux-any" or "any-arm" match on the tuple.
/// </summary>
public sealed record DebianArchitecture(string Name, string Abi, string Libc, string Os, string Cpu)
{
    private const string Any = "any";

    /// <summary>
    /// Whether this architecture is <paramref name="nameOrWildcard"/> or matches it, as dpkg's
    /// Dpkg::Arch::debarch_is() decides (what <c>dpkg-architecture -a NAME -i WILDCARD</c> answers).
    /// "all" matches no architecture.
    /// </summary>
    public bool Matches(string nameOrWildcard)
    {
        if (nameOrWildcard == Name || nameOrWildcard == Any)
            return true;
        var alias = WildcardTuple(nameOrWildcard);
        return alias is not null
            && Part(alias[0], Abi) && Part(alias[1], Libc) && Part(alias[2], Os) && Part(alias[3], Cpu);
    }

    private static bool Part(string alias, string real) => alias == real || alias == Any;

    // Dpkg::Arch::debwildcard_to_debtuple(): split on '-' into at most 4 fields (the last keeps any
    // further '-', empty fields are kept); if a field is "any", missing leading fields are "any"
    // (linux-any = any-any-linux-any, any-arm = any-any-any-arm). Otherwise it is an architecture
    // name, looked up in the tuple table.
    private static string[]? WildcardTuple(string alias)
    {
        var parts = alias.Split('-', 4);
        if (!parts.Contains(Any))
            return KnownArchitectures.TupleOf(alias);
        return parts.Length switch
        {
            4 => parts,
            3 => [Any, .. parts],
            2 => [Any, Any, .. parts],
            _ => [Any, Any, Any, Any],
        };
    }
}
