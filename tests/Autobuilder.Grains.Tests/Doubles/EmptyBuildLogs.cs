using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>Test double: the scripted builds write no logs.</summary>
public sealed class EmptyBuildLogs : IBuildLogs
{
    public Task<(string Text, long NextOffset)> ReadAsync(string uploadId, string architecture, int attempt, long offset, int maxBytes) =>
        Task.FromResult(("", offset));
}
