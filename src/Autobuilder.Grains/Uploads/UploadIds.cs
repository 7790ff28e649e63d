namespace Autobuilder.Grains.Uploads;

/// <summary>Upload and build ids: readable, unique, and safe as relative paths.</summary>
public static class UploadIds
{
    /// <summary>"product/source_version/sequence", e.g. "fremantle/gconf-cleaner_0.0.3-1/2".</summary>
    public static string Upload(string product, string source, string version, int sequence) =>
        $"{product}/{source}_{version}/{sequence}";

    /// <summary>
    /// Whether <paramref name="uploadId"/> has the shape <see cref="Upload"/> makes: three plain parts,
    /// the last a number. Anything that turns an id into a path checks this first.
    /// </summary>
    public static bool IsValid(string uploadId)
    {
        var parts = uploadId.Split('/');
        return parts.Length == 3
            && parts[0].Length > 0 && parts[0] == Safe(parts[0])
            && parts[1].Length > 0 && parts[1] == Safe(parts[1]) && parts[1] is not ("." or "..")
            && parts[2].Length > 0 && parts[2].All(char.IsAsciiDigit);
    }

    public static string Build(string uploadId, string architecture) => $"{uploadId}/{architecture}";

    public static string UploadOfBuild(string buildId) => buildId[..buildId.LastIndexOf('/')];

    public static string ArchitectureOfBuild(string buildId) => buildId[(buildId.LastIndexOf('/') + 1)..];

    /// <summary>
    /// A name or version made safe for an id (and so for a path): characters outside Debian's
    /// name and version alphabets become '_'. Verification rejects such an upload anyway; its id
    /// must still never name a path outside rejected/.
    /// </summary>
    public static string Safe(string part)
    {
        var chars = part.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '~' or ':' or '-' ? c : '_').ToArray();
        var safe = new string(chars).Replace("..", "__", StringComparison.Ordinal);
        return safe.Length == 0 ? "_" : safe.Length > 100 ? safe[..100] : safe;
    }
}
