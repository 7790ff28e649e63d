using System.Collections.Concurrent;
using Autobuilder.Grains.Options;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Execution.Ssh;

/// <summary>
/// Keeps one idle connection per target (a slot runs one build at a time, so one is all it needs),
/// so consecutive builds and probes skip the key exchange. A connection that saw any error is never
/// returned; one idle too long is closed instead of reused.
/// </summary>
public sealed class SshConnectionPool(IOptions<AutobuilderOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<SshTarget, SshConnection> _idle = new();
    private SshOptions Options => options.Value.Ssh;

    /// <summary>An idle connection to <paramref name="target"/> if one is open, else a new one; says which.</summary>
    public async Task<(SshConnection Connection, bool Reused)> RentAsync(SshTarget target, CancellationToken ct)
    {
        if (_idle.TryRemove(target, out var idle))
        {
            if (idle.IsConnected && DateTimeOffset.UtcNow - idle.LastUsed < TimeSpan.FromSeconds(Options.IdleConnectionSeconds))
                return (idle, true);
            idle.Dispose();
        }
        return (await OpenAsync(target, ct), false);
    }

    public Task<SshConnection> OpenAsync(SshTarget target, CancellationToken ct) => SshConnection.OpenAsync(target, Options, ct);

    /// <summary>Gives a connection back; <paramref name="healthy"/> false (or a full pool) closes it.</summary>
    public void Return(SshConnection connection, bool healthy)
    {
        connection.LastUsed = DateTimeOffset.UtcNow;
        if (!healthy || !connection.IsConnected || !_idle.TryAdd(connection.Target, connection))
            connection.Dispose();
    }

    public void Dispose()
    {
        foreach (var target in _idle.Keys)
        {
            if (_idle.TryRemove(target, out var c))
                c.Dispose();
        }
    }
}
