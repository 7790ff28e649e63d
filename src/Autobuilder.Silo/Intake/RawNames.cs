using System.Runtime.InteropServices;
using System.Text;

namespace Autobuilder.Silo.Intake;

/// <summary>
/// Entries whose names are not UTF-8 (a Latin-1 "é" from an old uploader's shell, or bytes made on
/// purpose). .NET decodes such a name with U+FFFD and can then neither look at nor move the entry
/// by that string, so the scan would pass over it forever and nobody would hear why. These are
/// found with readdir(3) and moved by their raw bytes with rename(2), never opened.
/// </summary>
public static partial class RawNames
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // struct dirent on 64-bit Linux (glibc): d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
    private const int NameOffset = 19;

    /// <summary>The names in <paramref name="folder"/> that are not valid UTF-8, as raw bytes.</summary>
    public static IReadOnlyList<byte[]> NotUtf8(string folder)
    {
        var found = new List<byte[]>();
        var dir = OpenDir(folder);
        if (dir == IntPtr.Zero)
            return found;
        try
        {
            for (var entry = ReadDir(dir); entry != IntPtr.Zero; entry = ReadDir(dir))
            {
                var length = 0;
                while (Marshal.ReadByte(entry, NameOffset + length) != 0)
                    length++;
                var name = new byte[length];
                Marshal.Copy(entry + NameOffset, name, 0, length);
                if (!IsUtf8(name))
                    found.Add(name);
            }
        }
        finally
        {
            CloseDir(dir);
        }
        return found;
    }

    /// <summary>The name with every byte outside printable ASCII written as \xNN: what REASON.txt and the log show.</summary>
    public static string Printable(byte[] name) =>
        string.Concat(name.Select(b => b is >= 0x20 and < 0x7f and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}"));

    /// <summary>rename(2) of <paramref name="name"/> in <paramref name="folder"/> to <paramref name="target"/> (a UTF-8 path); false when it cannot be (another file system).</summary>
    public static bool Move(string folder, byte[] name, string target)
    {
        var from = Encoding.UTF8.GetBytes(folder.TrimEnd('/') + "/").Concat(name).Append((byte)0).ToArray();
        var to = Encoding.UTF8.GetBytes(target).Append((byte)0).ToArray();
        return Rename(from, to) == 0;
    }

    private static bool IsUtf8(byte[] name)
    {
        try
        {
            Strict.GetString(name);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial IntPtr OpenDir(string path);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static partial IntPtr ReadDir(IntPtr dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(IntPtr dir);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static partial int Rename(byte[] from, byte[] to);
}
