using System.Runtime.InteropServices;

namespace Autobuilder.Silo.Drop;

/// <summary>The few calls the drop's files need that .NET has no API for: owner changes and our own ids.</summary>
internal static partial class DropUnix
{
    public static uint EffectiveUid => GetEuid();

    /// <summary>lchown(2): never follows a link; an error names the path, the ids and the errno.</summary>
    public static void Chown(string path, uint uid, uint gid, string hint)
    {
        if (LChown(path, uid, gid) != 0)
            throw new IOException($"cannot give {path} to uid {uid} gid {gid} (errno {Marshal.GetLastPInvokeError()}): {hint}");
    }

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LChown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
