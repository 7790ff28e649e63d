using System.Runtime.InteropServices;

namespace Autobuilder.Silo.Storage;

/// <summary>Hard links, so taking an upload out of incoming costs no copy of its tarballs.</summary>
public static partial class FileLinks
{
    /// <summary>Links <paramref name="source"/> as <paramref name="destination"/>, or copies it when the two are on different file systems.</summary>
    public static void LinkOrCopy(string source, string destination)
    {
        if (Link(source, destination) == 0)
            return;
        var errno = Marshal.GetLastPInvokeError();
        const int EEXIST = 17;
        if (errno == EEXIST)
            File.Delete(destination);
        File.Copy(source, destination, overwrite: true);
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);
}
