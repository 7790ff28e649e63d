using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Safety;

namespace Autobuilder.Debian.Uploads;

/// <summary>
/// Checks the files a .dsc or .changes names against the folder they were uploaded to. The
/// checks run cheapest first, as dak's do: names before anything touches the disk, then
/// presence and size, then the sums, each file read once for all three.
/// </summary>
public static class UploadFileVerifier
{
    public static IReadOnlyList<VerificationProblem> Verify(DscFile dsc, string directory) =>
        Verify(dsc.Files, directory, Path.GetFileName(dsc.File.Source));

    public static IReadOnlyList<VerificationProblem> Verify(ChangesFile changes, string directory) =>
        Verify(changes.Files, directory, Path.GetFileName(changes.File.Source));

    /// <param name="controlFileName">The .dsc/.changes the list comes from, named in messages.</param>
    public static IReadOnlyList<VerificationProblem> Verify(IReadOnlyList<FileEntry> files, string directory, string controlFileName) =>
        Verify(files, controlFileName, (entry, problems) => CheckFile(entry, directory, problems));

    /// <summary>
    /// The same checks against sums already computed — by whoever copied the files and hashed
    /// them in the same pass — so no file is read a second time. A name missing from
    /// <paramref name="computed"/> was not taken.
    /// </summary>
    public static IReadOnlyList<VerificationProblem> Verify(IReadOnlyList<FileEntry> files, IReadOnlyDictionary<string, ChecksumSet> computed, string controlFileName) =>
        Verify(files, controlFileName, (entry, problems) =>
        {
            if (!computed.TryGetValue(entry.Name, out var actual))
                problems.Add(new(entry.Name, "Files", null, null, $"{entry.Name}: missing (named in the upload but not uploaded)"));
            else
                CompareAll(entry, actual, problems);
        });

    private static IReadOnlyList<VerificationProblem> Verify(IReadOnlyList<FileEntry> files, string controlFileName, Action<FileEntry, List<VerificationProblem>> check)
    {
        var problems = new List<VerificationProblem>();

        // A name that could escape the folder stops everything before any file is opened.
        foreach (var f in files)
        {
            if (FileNames.Problem(f.Name) is { } why)
                problems.Add(new(FileNames.Printable(f.Name), "Files", null, null, $"{controlFileName}: unsafe file name: {why}"));
        }
        if (problems.Count > 0)
            return problems;

        if (files.Count == 0)
            problems.Add(new(controlFileName, "Files", null, null, $"{controlFileName}: names no files"));

        foreach (var f in files)
        {
            if (f.Sha256 is null)
                problems.Add(new(f.Name, "Checksums-Sha256", null, null,
                    $"{f.Name}: not listed in Checksums-Sha256; MD5 alone is not trusted (rebuild the upload with a current dpkg-source/dpkg-genchanges)"));
        }

        foreach (var f in files)
            check(f, problems);
        return problems;
    }

    private static void CheckFile(FileEntry entry, string directory, List<VerificationProblem> problems)
    {
        var path = Path.Combine(directory, entry.Name);
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            problems.Add(new(entry.Name, "Files", null, null, $"{entry.Name}: is a symbolic link; upload the file itself"));
            return;
        }
        if (!info.Exists)
        {
            problems.Add(new(entry.Name, "Files", null, null,
                Directory.Exists(path) ? $"{entry.Name}: is a folder, not a file" : $"{entry.Name}: missing (named in the upload but not uploaded)"));
            return;
        }
        if (info.Length != entry.Size)
        {
            problems.Add(new(entry.Name, "Size", entry.Size.ToString(), info.Length.ToString(),
                $"{entry.Name}: size mismatch: expected {entry.Size} bytes, found {info.Length} (incomplete or changed upload)"));
            return;
        }

        CompareAll(entry, ChecksumSet.ComputeFile(path), problems);
    }

    private static void CompareAll(FileEntry entry, ChecksumSet actual, List<VerificationProblem> problems)
    {
        if (actual.Size != entry.Size)
        {
            problems.Add(new(entry.Name, "Size", entry.Size.ToString(), actual.Size.ToString(),
                $"{entry.Name}: size mismatch: expected {entry.Size} bytes, found {actual.Size} (incomplete or changed upload)"));
            return;
        }
        Compare(entry.Name, "Files (MD5)", entry.Md5, actual.Md5, problems);
        Compare(entry.Name, "Checksums-Sha1", entry.Sha1, actual.Sha1, problems);
        Compare(entry.Name, "Checksums-Sha256", entry.Sha256, actual.Sha256, problems);
    }

    private static void Compare(string name, string field, string? expected, string actual, List<VerificationProblem> problems)
    {
        if (expected is null || string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            return;
        problems.Add(new(name, field, expected, actual,
            $"{name}: checksum mismatch in {field}: expected {expected}, got {actual} (the file changed after the upload was signed, or was damaged in transfer)"));
    }
}
