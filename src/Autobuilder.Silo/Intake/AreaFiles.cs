using System.Runtime.InteropServices;

namespace Autobuilder.Silo.Intake;

/// <summary>
/// Moving entries out of an upload area that may be on another file system than the data root
/// (the SSH drop's root is the upload user's, outside the data root): rename(2) where it can, and
/// where the kernel says EXDEV, a copy that never follows a link (regular files only, opened with
/// O_NOFOLLOW) and a note for anything else, then the entry is removed from the area.
/// </summary>
public static partial class AreaFiles
{
    private const int EXDEV = 18;

    /// <summary>
    /// The commit of a take: moves the .dsc's name to <paramref name="marker"/> and returns true;
    /// across file systems it writes <paramref name="marker"/> as an empty file instead (the .dsc's
    /// bytes are already in the folder) and returns false: the caller removes the .dsc after the commit.
    /// </summary>
    public static bool MoveOrMark(string dscPath, string marker)
    {
        if (Rename(dscPath, marker) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno != EXDEV)
            throw new IOException($"cannot move {dscPath} to {marker} (errno {errno})");
        var entry = IncomingEntry.Look(dscPath) ?? throw new IOException($"{dscPath} is gone");
        if (!entry.IsRegular)
        {
            // A link or pipe named like a .dsc (a rejected upload): described beside the upload, removed from the area.
            Relocate(dscPath, Path.Combine(Path.GetDirectoryName(marker)!, Path.GetFileName(dscPath)));
            IntakeCopy.WriteNew(marker, []);
            return true;
        }
        IntakeCopy.WriteNew(marker, []);
        Storage.DurableFile.SyncDirectory(Path.GetDirectoryName(marker)!);
        return false;
    }

    /// <summary>Moves an entry to <paramref name="to"/>; across file systems a regular file is copied, anything else is described in <c>to.txt</c>, and the entry is removed.</summary>
    public static void Relocate(string from, string to)
    {
        if (Rename(from, to) == 0)
            return;
        var errno = Marshal.GetLastPInvokeError();
        if (errno != EXDEV)
            throw new IOException($"cannot move {from} to {to} (errno {errno})");
        var entry = IncomingEntry.Look(from) ?? throw new IOException($"{from} is gone");
        if (entry.IsRegular)
        {
            using var handle = IncomingEntry.OpenRegular(from, entry, out _, out var problem)
                ?? throw new IOException(problem ?? $"{from} cannot be opened");
            if (IntakeCopy.CopyAndHash(handle, to, entry.Size, CancellationToken.None, out problem) is null)
                throw new IOException(problem ?? $"{from} changed while it was copied");
            File.Delete(from);
            return;
        }
        var what = entry.Kind == EntryKind.SymbolicLink && new FileInfo(from).LinkTarget is { } target
            ? $"a symbolic link to {Debian.Safety.FileNames.Printable(target)}"
            : entry.Describe();
        File.WriteAllText(to + ".txt", $"{Path.GetFileName(from)} was {what} in an upload area on another file system; it was removed, not followed\n");
        if (entry.Kind == EntryKind.Directory)
            Directory.Delete(from);
        else
            File.Delete(from);
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string from, string to);
}
