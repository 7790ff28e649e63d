namespace Autobuilder.Grains.Qa;

public sealed partial class QaGrain
{
    // Page views' installability answers, by what they were judged on: the live generation of this
    // distribution and of each background one, the architectures and the candidates. Views of a
    // distribution's page or a package's page between two publishes ask dose-debcheck once (it reads
    // the published Packages indices whole: ~0.1 s and more on a 50,000-package distribution), not
    // on every view. The base indices (Autobuilder:Qa:BaseIndices) are not in the key: an answer is
    // kept at most ViewReportAge. Memory only, a few entries: lost with the activation.
    private readonly Dictionary<string, (InstallabilityReport Report, DateTimeOffset At)> _viewReports = new(StringComparer.Ordinal);
    private const int ViewReportsKept = 32;
    private static readonly TimeSpan ViewReportAge = TimeSpan.FromMinutes(10);

    private async Task<InstallabilityReport> CachedInstallabilityAsync(InstallabilityQuery query, IEnumerable<string> background)
    {
        var judgedOn = new List<string>();
        foreach (var name in background.Prepend(Key))
            judgedOn.Add($"{name}@{(await GrainFactory.GetGrain<IDistributionGrain>(name).GetStatusAsync()).LiveGeneration}");
        var key = string.Join(' ', judgedOn) + "|" + string.Join(' ', query.Architectures) + "|" +
                  string.Join(' ', query.Candidates.Select(c => InstallabilityReport.Key(c.Source, c.Version)));
        if (_viewReports.TryGetValue(key, out var kept) && Now - kept.At < ViewReportAge)
            return kept.Report;
        var report = await dose.CheckAsync(query);
        if (report.Failure is null)
        {
            if (_viewReports.Count >= ViewReportsKept)
                _viewReports.Remove(_viewReports.MinBy(p => p.Value.At).Key);
            _viewReports[key] = (report, Now);
        }
        return report;
    }
}
