namespace Autobuilder.Grains.Services;

/// <summary>Hands a successful build's packages to a repository's incoming queue.</summary>
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

    /// <summary>
    /// Copies the .debs and then the .changes of <paramref name="resultsFolder"/> into
    /// repo-incoming/&lt;repository&gt;/&lt;product&gt;/, after checking them again as
    /// <see cref="CheckAsync"/> does: results that fail the check are not copied at all
    /// (<see cref="InvalidDataException"/>). A file already there with the same content is not
    /// copied again, so a repeat after a restart publishes nothing twice.
    /// </summary>
    Task<IReadOnlyList<string>> HandOffAsync(string resultsFolder, BuildOrigin origin, string repository, CancellationToken ct = default);

    /// <summary>The last <paramref name="lines"/> lines of a build log, for a mail.</summary>
    Task<string> LogTailAsync(string logPath, int lines, CancellationToken ct = default);
}
