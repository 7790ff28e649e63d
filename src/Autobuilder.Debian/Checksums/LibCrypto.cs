using System.Runtime.InteropServices;

namespace Autobuilder.Debian.Checksums;

/// <summary>
/// The few OpenSSL EVP digest calls <see cref="DigestState"/> needs. .NET's own hash classes use
/// the same libcrypto on Linux, but none of them can copy a digest mid-stream (IncrementalHash has
/// no Clone), and that copy is what lets an index keep the state after each of its blocks.
/// </summary>
internal static partial class LibCrypto
{
    private const string Library = "libcrypto.so.3";

    [LibraryImport(Library, EntryPoint = "EVP_MD_CTX_new")]
    internal static partial nint MdCtxNew();

    [LibraryImport(Library, EntryPoint = "EVP_MD_CTX_free")]
    internal static partial void MdCtxFree(nint ctx);

    [LibraryImport(Library, EntryPoint = "EVP_md5")]
    internal static partial nint Md5();

    [LibraryImport(Library, EntryPoint = "EVP_sha1")]
    internal static partial nint Sha1();

    [LibraryImport(Library, EntryPoint = "EVP_sha256")]
    internal static partial nint Sha256();

    [LibraryImport(Library, EntryPoint = "EVP_DigestInit_ex")]
    internal static partial int DigestInit(nint ctx, nint type, nint engine);

    [LibraryImport(Library, EntryPoint = "EVP_DigestUpdate")]
    internal static unsafe partial int DigestUpdate(nint ctx, byte* data, nuint count);

    [LibraryImport(Library, EntryPoint = "EVP_DigestFinal_ex")]
    internal static unsafe partial int DigestFinal(nint ctx, byte* md, uint* size);

    [LibraryImport(Library, EntryPoint = "EVP_MD_CTX_copy_ex")]
    internal static partial int MdCtxCopy(nint target, nint source);
}
