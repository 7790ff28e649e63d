using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Acceptance;

/// <summary>
/// The upload's files as they were taken: the sums of the bytes read (by intake while copying, by
/// the stage while inspecting, by the console from a folder), and the names that were refused
/// unread (a link, a FIFO, a folder…) with what they are. Checks compare listings against these,
/// so no check reads a file.
/// </summary>
public sealed class TakenFiles(IReadOnlyDictionary<string, ChecksumSet> sums, IReadOnlyDictionary<string, string>? refused = null)
{
    public IReadOnlyDictionary<string, ChecksumSet> Sums { get; } = sums;

    /// <summary>Names not read, each with what it is in words ("is a symbolic link, not a regular file").</summary>
    public IReadOnlyDictionary<string, string> Refused { get; } = refused ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every problem of <paramref name="files"/> (listed by <paramref name="controlFileName"/>): refused names, then names, presence, sizes and sums.</summary>
    public IReadOnlyList<VerificationProblem> Verify(IReadOnlyList<FileEntry> files, string controlFileName)
    {
        var problems = files.Where(f => Refused.ContainsKey(f.Name))
            .Select(f => new VerificationProblem(f.Name, "Files", "a regular file", Refused[f.Name], $"{f.Name}: {Refused[f.Name]}"))
            .ToList();
        problems.AddRange(UploadFileVerifier.Verify([.. files.Where(f => !Refused.ContainsKey(f.Name))], Sums, controlFileName));
        return problems;
    }

    /// <summary>
    /// Reads the files <paramref name="files"/> lists from <paramref name="folder"/> (the console's
    /// offline check): a link or folder is refused unread, a file whose size differs from the
    /// listing is not hashed (the size already tells).
    /// </summary>
    public static TakenFiles Read(string folder, IEnumerable<FileEntry> files)
    {
        var sums = new Dictionary<string, ChecksumSet>(StringComparer.Ordinal);
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => FileNames.IsSafe(f.Name)).DistinctBy(f => f.Name))
        {
            var path = Path.Combine(folder, file.Name);
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
                refused[file.Name] = "is a symbolic link; upload the file itself";
            else if (Directory.Exists(path))
                refused[file.Name] = "is a folder, not a file";
            else if (!info.Exists)
                continue;
            else if (info.Length != file.Size)
                sums[file.Name] = new ChecksumSet(info.Length, "", "", "");
            else
                sums[file.Name] = ChecksumSet.ComputeFile(path);
        }
        return new TakenFiles(sums, refused);
    }
}
