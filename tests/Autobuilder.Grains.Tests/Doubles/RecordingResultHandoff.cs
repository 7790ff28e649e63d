using System.Collections.Concurrent;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>Test double for the results check: refuses what a test says, reads nothing.</summary>
public sealed class RecordingResultHandoff : IResultHandoff
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _refusals = new();

    public string Host => "garage.test";

    /// <summary>Results of <paramref name="source"/> are refused with <paramref name="reasons"/>, as foreign files would be.</summary>
    public void Refuse(string source, params string[] reasons) => _refusals[source] = reasons;

    public Task<IReadOnlyList<string>> CheckAsync(string resultsFolder, BuildOrigin origin, CancellationToken ct = default) =>
        Task.FromResult(_refusals.TryGetValue(origin.Source, out var reasons) ? reasons : []);

    public Task<string> LogTailAsync(string logPath, int lines, CancellationToken ct = default) =>
        Task.FromResult($"(fake log tail of {logPath})");
}
