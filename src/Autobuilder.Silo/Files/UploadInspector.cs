using System.Text.RegularExpressions;
using Autobuilder.Debian;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Debian.Versions;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;

namespace Autobuilder.Silo.Files;

/// <summary>Reads and checks an upload's files on the garage host with the Debian-format core.</summary>
public sealed partial class UploadInspector(DataPaths paths) : IUploadInspector
{
    /// <summary>The reasons, written beside a rejected upload's files.</summary>
    public const string ReasonsFile = "REJECTED.txt";

    // Debian Policy §5.6.1: source package names.
    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex SourceName();

    public Task<UploadInspection> InspectAsync(string folder, string dscFileName, CancellationToken ct = default) =>
        Task.Run(() => Inspect(folder, dscFileName), ct);

    private static UploadInspection Inspect(string folder, string dscFileName)
    {
        if (FileNames.Problem(dscFileName) is { } unsafeName)
            return new(null, null, null, null, [], [$"unsafe .dsc file name: {unsafeName}"]);
        DscFile dsc;
        try
        {
            dsc = DscFile.Load(Path.Combine(folder, dscFileName));
        }
        catch (Exception ex) when (ex is DebianFormatException or IOException)
        {
            return new(null, null, null, null, [], [$"{dscFileName} cannot be read: {ex.Message.Replace(folder + "/", "")}"]);
        }

        var problems = new List<string>();
        if (!SourceName().IsMatch(dsc.Source))
            problems.Add($"source name '{dsc.Source}' is not valid (Debian Policy 5.6.1: lower-case letters, digits, '+', '-', '.'; at least two characters)");
        if (!DebianVersion.TryParse(dsc.Version, out _, out var versionError))
            problems.Add(versionError!);
        if (dsc.Architecture.Length == 0)
            problems.Add($"{dscFileName} has no Architecture field");
        problems.AddRange(UploadFileVerifier.Verify(dsc, folder).Select(p => p.Message));
        return new(dsc.Source, dsc.Version, dsc.Architecture, Uploader(folder, dsc), dsc.Files.Select(f => f.Name).ToList(), problems);
    }

    /// <summary>Changed-By of a .changes that came with the upload, else the .dsc's Maintainer.</summary>
    private static string? Uploader(string folder, DscFile dsc)
    {
        foreach (var changes in Directory.EnumerateFiles(folder, "*.changes"))
        {
            try
            {
                var paragraph = SignedControlFile.Load(changes).Paragraph;
                if (paragraph["Source"]?.Split(' ')[0] == dsc.Source && paragraph["Changed-By"] is { Length: > 0 } changedBy)
                    return changedBy;
            }
            catch (DebianFormatException)
            {
                // A broken .changes beside a good .dsc does not stop the build; the Maintainer is told.
            }
        }
        return dsc.Maintainer;
    }

    public Task<string> RejectAsync(string folder, string uploadId, IReadOnlyList<string> reasons, CancellationToken ct = default)
    {
        // rejected/<upload id>/ is unique per upload (the id carries a sequence number), so this
        // never meets a folder of another upload: the seed's endless "already exists" crash cannot happen.
        var target = Path.Combine(paths.Rejected, DataPaths.IdPath(uploadId));
        Directory.CreateDirectory(target);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
                File.Move(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            Directory.Delete(folder, recursive: true);
        }
        File.WriteAllLines(Path.Combine(target, ReasonsFile), [$"upload {uploadId} was rejected:", .. reasons.Select(r => "  " + r)]);
        return Task.FromResult(target);
    }
}
