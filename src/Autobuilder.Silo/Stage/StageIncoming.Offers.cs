using System.Security.Cryptography;
using Autobuilder.Debian;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Debian.Versions;
using Autobuilder.Grains.Stage;

namespace Autobuilder.Silo.Stage;

/// <summary>Reading an upload's offer (issue 12): its build .changes as the queue's are read, and its bare source package.</summary>
public sealed partial class StageIncoming
{
    public Task<ChangesInspection?> InspectOfferedAsync(string folder, string changesFile, CancellationToken ct = default) =>
        Task.Run(() => Inspect(folder, changesFile), ct);

    public Task<ChangesInspection?> InspectSourceAsync(string folder, string dscFile, CancellationToken ct = default) =>
        Task.Run(() => InspectSource(folder, dscFile), ct);

    private static ChangesInspection? InspectSource(string folder, string name)
    {
        FileNames.Require(name, "offered .dsc");
        var path = Path.Combine(folder, name);
        if (!Files.RegularFile.Exists(path))
            return null;
        if (Files.RegularFile.Problem(path) is { } kind)
            return new ChangesInspection(name, folder, "", null, null, null, [], [], null, [name], [$"{name}: {kind}"]);
        byte[] bytes;
        try
        {
            bytes = Files.RegularFile.ReadAllBytes(path, MaxChangesBytes);
        }
        catch (IOException ex)
        {
            return new ChangesInspection(name, folder, "", null, null, null, [], [], null, [name], [$"{name} cannot be read: {ex.Message.Replace(path, name, StringComparison.Ordinal)}"]);
        }
        var sums = ChecksumSet.Compute(bytes);
        DscFile dsc;
        try
        {
            dsc = DscFile.Parse(bytes, name);
        }
        catch (DebianFormatException ex)
        {
            return new ChangesInspection(name, folder, sums.Sha256, null, null, null, [], [], null, [name], [$"{name} cannot be read: {ex.Message}"]);
        }
        var problems = new List<string>();
        if (!PackageName().IsMatch(dsc.Source))
            problems.Add($"source name '{dsc.Source}' is not valid (Debian Policy 5.6.1)");
        if (!DebianVersion.TryParse(dsc.Version, out _, out var versionError))
            problems.Add($"{name}: {versionError}");
        var named = dsc.Files.Where(f => FileNames.IsSafe(f.Name)).ToList();
        foreach (var f in dsc.Files.Where(f => !FileNames.IsSafe(f.Name)))
            problems.Add($"{name} names '{f.Name}', which is not a plain file name");
        var notRegular = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in named)
        {
            var filePath = Path.Combine(folder, f.Name);
            if (Files.RegularFile.Exists(filePath) && Files.RegularFile.Problem(filePath) is { } k)
            {
                problems.Add($"{f.Name}: {k}");
                notRegular.Add(f.Name);
            }
        }
        problems.AddRange(UploadFileVerifier.Verify([.. named.Where(f => !notRegular.Contains(f.Name))], folder, name).Select(p => p.Message));
        var entry = new FileEntry(name, sums.Size, sums.Md5, sums.Sha1, sums.Sha256);
        foreach (var f in dsc.Files.Where(f => f.Sha256 is null))
            problems.Add($"{name}: {f.Name} has no SHA-256 sum in the .dsc");
        var source = new IncomingSource(dsc, entry);
        var present = named.Select(f => f.Name).Where(n => Files.RegularFile.Exists(Path.Combine(folder, n))).Append(name).ToList();
        return new ChangesInspection(name, folder, sums.Sha256, dsc.Source, dsc.Version, null, [entry, .. named], [], source, present, problems);
    }
}
