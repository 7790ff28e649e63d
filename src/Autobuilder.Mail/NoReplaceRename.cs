using System.Runtime.InteropServices;

namespace Autobuilder.Mail;

/// <summary>
/// Gives a file a new name in the same folder only if that name is free, atomically.
/// .NET's File.Move(overwrite: false) checks for the target and then calls rename(2), which replaces
/// whatever appeared in between; link(2) instead fails with EEXIST, so nothing is ever overwritten.
/// </summary>
internal static partial class NoReplaceRename
{
    private const int EEXIST = 17;
    private const int EPERM = 1;
    private const int EXDEV = 18;
    private const int EOPNOTSUPP = 95;
    private const int ENOSYS = 38;

    /// <summary>Returns false when <paramref name="target"/> already exists; throws <see cref="IOException"/> on other failures.</summary>
    public static bool TryRename(string source, string target)
    {
        if (Link(source, target) == 0)
        {
            File.Delete(source);
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        switch (errno)
        {
            case EEXIST:
                return false;
            case EPERM or EXDEV or EOPNOTSUPP or ENOSYS:
                // File systems without hard links (some FUSE or network mounts): the check-then-rename
                // of File.Move is the best left, and the unique names make a race there theoretical.
                try
                {
                    File.Move(source, target, overwrite: false);
                    return true;
                }
                catch (IOException) when (File.Exists(target))
                {
                    return false;
                }

            default:
                throw new IOException($"Cannot link {source} to {target}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);
}
