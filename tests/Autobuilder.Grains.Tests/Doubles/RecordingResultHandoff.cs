using System.Collections.Concurrent;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>Test double for the results handoff: records what would be queued for a repository, copies nothing.</summary>
public sealed class RecordingResultHandoff : IResultHandoff
{
    private readonly ConcurrentQueue<HandOff> _calls = new();

    public IReadOnlyList<HandOff> Calls => [.. _calls];

    public Task<IReadOnlyList<string>> HandOffAsync(string resultsFolder, string repository, string product, CancellationToken ct = default)
    {
        _calls.Enqueue(new HandOff(resultsFolder, repository, product));
        return Task.FromResult<IReadOnlyList<string>>([$"{resultsFolder}/fake.deb", $"{resultsFolder}/fake.changes"]);
    }

    public Task<string> LogTailAsync(string logPath, int lines, CancellationToken ct = default) =>
        Task.FromResult($"(fake log tail of {logPath})");
}
