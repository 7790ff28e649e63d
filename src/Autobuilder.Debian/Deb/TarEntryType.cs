namespace Autobuilder.Debian.Deb;

/// <summary>The kinds of tar entry a .deb may hold (POSIX ustar typeflag values '0'–'7').</summary>
public enum TarEntryType
{
    /// <summary>'0', NUL (old tar) or '7' (contiguous file, read as a regular file).</summary>
    RegularFile,
    HardLink,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Directory,
    Fifo,
}
