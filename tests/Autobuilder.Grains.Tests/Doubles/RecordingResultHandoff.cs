using System.Collections.Concurrent;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>Test double for the results handoff: records what would be queued for a repository, copies nothing.</summary>
public sealed class RecordingResultHandoff : IResultHandoff
{
    private readonly ConcurrentQueue<HandOff> _calls = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _refusals = new();

    public IReadOnlyList<HandOff> Calls => [.. _calls];

    public string Host => "garage.test";

    /// <summary>Results of <paramref name="source"/> are refused with <paramref name="reasons"/>, as foreign files would be.</summary>
    public void Refuse(string source, params string[] reasons) => _refusals[source] = reasons;

    public Task<IReadOnlyList<string>> CheckAsync(string resultsFolder, BuildOrigin origin, CancellationToken ct = default) =>
        Task.FromResult(_refusals.TryGetValue(origin.Source, out var reasons) ? reasons : []);

    public Task<IReadOnlyList<string>> HandOffAsync(string resultsFolder, BuildOrigin origin, string repository, CancellationToken ct = default)
    {
        if (_refusals.TryGetValue(origin.Source, out var reasons))
            throw new InvalidDataException($"refused: {string.Join("; ", reasons)}");
        _calls.Enqueue(new HandOff(resultsFolder, repository, origin.Product));
        return Task.FromResult<IReadOnlyList<string>>([$"{resultsFolder}/fake.deb", $"{resultsFolder}/fake.changes"]);
    }

    public Task<string> LogTailAsync(string logPath, int lines, CancellationToken ct = default) =>
        Task.FromResult($"(fake log tail of {logPath})");
}
