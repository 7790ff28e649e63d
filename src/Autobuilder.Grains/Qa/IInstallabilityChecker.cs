using Autobuilder.Acceptance;

namespace Autobuilder.Grains.Qa;

/// <summary>A published tree whose indices a check reads: its live path, product and components.</summary>
public sealed record PublishedIndices(string Name, string LivePath, string Product, IReadOnlyList<string> Components);

/// <summary>
/// Which binaries of the candidates would not be installable (issue 15): the candidates' stanzas
/// come from <see cref="From"/>'s published indices, the background is <see cref="Background"/>'s
/// indices plus the product's base (Autobuilder:Qa:BaseIndices), one dose-debcheck run per architecture.
/// </summary>
public sealed record InstallabilityQuery(
    PublishedIndices From,
    IReadOnlyList<PublishedIndices> Background,
    IReadOnlyList<string> Architectures,
    IReadOnlyList<(string Source, string Version)> Candidates);

/// <summary>dose-debcheck's answer: per "source version", its uninstallable binaries (an absent key: all installable); or why it could not run.</summary>
/// <param name="Unread">Candidates ("source version") none of whose binaries the lower repository's published indices hold: not judged.</param>
public sealed record InstallabilityReport(IReadOnlyDictionary<string, IReadOnlyList<Uninstallable>> Broken, string? Failure, IReadOnlyCollection<string>? Unread = null)
{
    public static string Key(string source, string version) => $"{source} {version}";
}

/// <summary>
/// Runs dose-debcheck (Debian's dose3) over published indices; implemented in the silo, which keeps
/// the verdicts while the live generations and the base files it reads stay the same (a read of
/// the excuses runs dose only after a change).
/// </summary>
public interface IInstallabilityChecker
{
    Task<InstallabilityReport> CheckAsync(InstallabilityQuery query, CancellationToken cancellationToken = default);
}
