using System.Runtime.InteropServices;

namespace Autobuilder.Silo.Execution.Sandbox;

/// <summary>A unix account as the system's user database (getpwnam_r, so NSS sources count too) has it.</summary>
public sealed partial record SlotAccount(string Name, uint Uid, uint Gid)
{
    /// <summary>The account named <paramref name="name"/>, or null when there is none.</summary>
    public static SlotAccount? Find(string name)
    {
        var buffer = new byte[16384];
        var result = GetPwNam(name, out var entry, buffer, (nuint)buffer.Length, out var found);
        if (result != 0 || found == IntPtr.Zero)
            return null;
        return new SlotAccount(name, entry.Uid, entry.Gid);
    }

    /// <summary>The account of user id <paramref name="uid"/>, or null when the user database has none.</summary>
    public static SlotAccount? Find(uint uid)
    {
        var buffer = new byte[16384];
        var result = GetPwUid(uid, out var entry, buffer, (nuint)buffer.Length, out var found);
        if (result != 0 || found == IntPtr.Zero)
            return null;
        return new SlotAccount(Marshal.PtrToStringUTF8(entry.Name) ?? $"uid {uid}", entry.Uid, entry.Gid);
    }

    /// <summary>Whether this process runs as root (effective user id 0).</summary>
    public static bool SiloIsRoot => GetEuid() == 0;

    // struct passwd of glibc on 64-bit Linux.
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Uid;
        public uint Gid;
        public IntPtr Gecos;
        public IntPtr Home;
        public IntPtr Shell;
    }

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPwNam(string name, out Passwd entry, [Out] byte[] buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static partial int GetPwUid(uint uid, out Passwd entry, [Out] byte[] buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
