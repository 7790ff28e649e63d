namespace Autobuilder.Debian.Architectures;

/// <summary>
/// The architectures the autobuilder knows, with their tuples copied from dpkg 1.21's data files
/// (/usr/share/dpkg/tupletable, cputable). Embedded on purpose: the library must not read the
/// build host's dpkg tables. A test checks every entry against the real dpkg-architecture.
/// </summary>
public static class KnownArchitectures
{
    public static IReadOnlyList<DebianArchitecture> All { get; } =
    [
        // Official Debian release architectures.
        Linux("amd64"),
        Linux("arm64"),
        new("armel", "eabi", "gnu", "linux", "arm"),
        new("armhf", "eabihf", "gnu", "linux", "arm"),
        Linux("i386"),
        new("mips64el", "abi64", "gnu", "linux", "mips64el"),
        Linux("mipsel"),
        Linux("ppc64el"),
        Linux("riscv64"),
        Linux("s390x"),
        // Ports.
        Linux("alpha"),
        Linux("hppa"),
        Linux("ia64"),
        Linux("loong64"),
        Linux("m68k"),
        Linux("powerpc"),
        Linux("ppc64"),
        Linux("sh4"),
        Linux("sparc64"),
        new("x32", "x32", "gnu", "linux", "amd64"),
        new("hurd-i386", "base", "gnu", "hurd", "i386"),
        new("hurd-amd64", "base", "gnu", "hurd", "amd64"),
        new("kfreebsd-amd64", "base", "gnu", "kfreebsd", "amd64"),
        new("kfreebsd-i386", "base", "gnu", "kfreebsd", "i386"),
    ];

    private static readonly Dictionary<string, DebianArchitecture> ByName = All.ToDictionary(a => a.Name);

    /// <summary>The architecture with exactly this name, or null.</summary>
    public static DebianArchitecture? Find(string name) => ByName.GetValueOrDefault(name);

    // Dpkg::Arch::debarch_to_debtuple(): "linux-X..." is read as X (the pattern /^linux-([^-]*)/ is
    // not anchored at the end, so "linux-amd64-foo" is amd64 too).
    internal static string[]? TupleOf(string name)
    {
        if (name.StartsWith("linux-", StringComparison.Ordinal))
        {
            var rest = name["linux-".Length..];
            var dash = rest.IndexOf('-');
            name = dash < 0 ? rest : rest[..dash];
        }
        var arch = Find(name);
        return arch is null ? null : [arch.Abi, arch.Libc, arch.Os, arch.Cpu];
    }

    // tupletable: base-gnu-linux-<cpu> is the architecture named <cpu>.
    private static DebianArchitecture Linux(string cpu) => new(cpu, "base", "gnu", "linux", cpu);
}
