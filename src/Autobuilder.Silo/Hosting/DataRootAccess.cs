using Autobuilder.Grains.Options;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// The data root holds the archive's signing keys (gnupg/), grain state and every upload: it belongs
/// to the silo's user, mode 0750, made so at every start, so builds (other accounts) cannot even
/// look inside. Uploaders who drop files by scp do it through a group given to incoming/ (docs/operations.md).
/// </summary>
public static class DataRootAccess
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    public static DataPaths Restrict(DataPaths paths)
    {
        try
        {
            if (!Directory.Exists(paths.Root))
                Directory.CreateDirectory(paths.Root, Mode);
            if ((File.GetUnixFileMode(paths.Root) & ~Mode) != 0)
                File.SetUnixFileMode(paths.Root, File.GetUnixFileMode(paths.Root) & Mode);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidOperationException($"the data root {paths.Root} must belong to the silo's user (mode 0750): {ex.Message}", ex);
        }
        return paths;
    }
}
