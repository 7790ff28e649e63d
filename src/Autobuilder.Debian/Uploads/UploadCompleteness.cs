using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Safety;

namespace Autobuilder.Debian.Uploads;

/// <summary>Whether the files a .dsc or .changes names have all arrived, by their listed sizes.</summary>
public enum Completeness
{
    /// <summary>Every file is there with its listed size: ready to be checked.</summary>
    Complete,
    /// <summary>Some file is missing or still short: an upload in progress.</summary>
    Waiting,
    /// <summary>A file is larger than listed, or a name is unsafe: no amount of waiting helps.</summary>
    Wrong,
}

public static class UploadCompleteness
{
    /// <summary>Looks only at names and sizes (cheap enough to run on every scan); the sums are checked later.</summary>
    public static Completeness Of(string folder, IEnumerable<FileEntry> files)
    {
        var waiting = false;
        foreach (var f in files)
        {
            if (!FileNames.IsSafe(f.Name))
                return Completeness.Wrong;
            var info = new FileInfo(Path.Combine(folder, f.Name));
            if (!info.Exists || info.Length < f.Size)
                waiting = true;
            else if (info.Length > f.Size)
                return Completeness.Wrong;
        }
        return waiting ? Completeness.Waiting : Completeness.Complete;
    }

    /// <summary>
    /// Whether intake should take the upload now: complete; or wrong and no longer being written
    /// (to be rejected with its reason); or still incomplete after the longest wait allowed.
    /// </summary>
    public static bool ReadyToTake(Completeness status, bool stable, bool waitedTooLong) =>
        status == Completeness.Complete
        || (status == Completeness.Wrong && stable)
        || (status == Completeness.Waiting && waitedTooLong);
}
