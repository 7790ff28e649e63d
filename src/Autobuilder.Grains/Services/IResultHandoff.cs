namespace Autobuilder.Grains.Services;

/// <summary>Hands a successful build's packages to a repository's incoming queue.</summary>
public interface IResultHandoff
{
    /// <summary>
    /// Copies the .debs and then the .changes of <paramref name="resultsFolder"/> into
    /// repo-incoming/&lt;repository&gt;/&lt;product&gt;/. A file already there with the same
    /// content is not copied again, so a repeat after a restart publishes nothing twice.
    /// </summary>
    Task<IReadOnlyList<string>> HandOffAsync(string resultsFolder, string repository, string product, CancellationToken ct = default);

    /// <summary>The last <paramref name="lines"/> lines of a build log, for a mail.</summary>
    Task<string> LogTailAsync(string logPath, int lines, CancellationToken ct = default);
}
