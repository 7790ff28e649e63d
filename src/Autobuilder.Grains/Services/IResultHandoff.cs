namespace Autobuilder.Grains.Services;

/// <summary>
/// A successful build's results on the garage: whether they are the upload's, where they are (the
/// stage fetches them itself when the upload offers them), and log tails for mails.
/// </summary>
public interface IResultHandoff
{
    /// <summary>The host whose data root holds the results (Cluster:HostName): where the stage fetches an offer's files from.</summary>
    string Host { get; }

    /// <summary>
    /// Why the files in <paramref name="resultsFolder"/> may not be handed off (one reason per
    /// offending file, naming it); empty when every one is a regular file with a plain name that
    /// belongs to <paramref name="origin"/>. Reads nothing it was not meant to (no links followed).
    /// </summary>
    Task<IReadOnlyList<string>> CheckAsync(string resultsFolder, BuildOrigin origin, CancellationToken ct = default);

    /// <summary>The last <paramref name="lines"/> lines of a build log, for a mail.</summary>
    Task<string> LogTailAsync(string logPath, int lines, CancellationToken ct = default);
}
