using System.Text.Json;
using Autobuilder.Debian.Checksums;
using Autobuilder.Grains;

namespace Autobuilder.Silo.Intake;

/// <summary>
/// What intake found when it took an upload, written into the upload's spool folder as
/// <see cref="FileName"/>: the .dsc's name, the source and version it gave, the size and sums of
/// each file as intake copied it (computed over the very bytes written into the silo's storage, so
/// verification needs no second read and what was verified is what is built), and the reasons
/// intake already has to reject the upload. A name starting with '.' is never an upload's: intake
/// refuses such names in a .dsc. <see cref="Origin"/> is the area the upload came from (null: an
/// older intake, local incoming); <see cref="ChangesFileName"/> the .changes taken with the .dsc
/// (its files' sums are among <see cref="Files"/>).
/// </summary>
public sealed record IntakeManifest(
    string DscFileName,
    string Source,
    string Version,
    IReadOnlyList<ChecksumSetEntry> Files,
    IReadOnlyList<string> Problems,
    DateTimeOffset TakenAt,
    UploadOrigin? Origin = null,
    string? ChangesFileName = null)
{
    public const string FileName = ".intake.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public void Write(string folder)
    {
        using var stream = new FileStream(Path.Combine(folder, FileName), FileMode.CreateNew, FileAccess.Write);
        JsonSerializer.Serialize(stream, this, Json);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The manifest of a spool folder; null for a folder without one (taken by an older intake).</summary>
    public static IntakeManifest? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return null;
        return JsonSerializer.Deserialize<IntakeManifest>(File.ReadAllBytes(path), Json)
            ?? throw new IOException($"{path} is empty");
    }
}

/// <summary>One copied file and the sums of its copy.</summary>
public sealed record ChecksumSetEntry(string Name, long Size, string Md5, string Sha1, string Sha256)
{
    public ChecksumSet Sums => new(Size, Md5, Sha1, Sha256);

    public static ChecksumSetEntry Of(string name, ChecksumSet sums) => new(name, sums.Size, sums.Md5, sums.Sha1, sums.Sha256);
}
