using System.Collections.Concurrent;
using Orleans.Storage;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>
/// Test double for the cluster's database behind grain state: the grains' storage "state" of the
/// grain test cluster is Orleans' memory storage seen through this, and a test can make the reads
/// or writes of chosen grains fail as they do while PostgreSQL is away (the silo's storage then
/// raises <see cref="DatabaseException"/>). The real outage runs in DatabaseOutageTests.
/// </summary>
public sealed class FakeOutageGrainStorage(IGrainStorage inner, StorageOutage outage) : IGrainStorage
{
    public const string InnerName = "memory-behind-outage";

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        outage.Check(grainId, write: false);
        await inner.ReadStateAsync(stateName, grainId, grainState);
        outage.Count(grainId, write: false);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        outage.Check(grainId, write: true);
        await inner.WriteStateAsync(stateName, grainId, grainState);
        outage.Count(grainId, write: true);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        outage.Check(grainId, write: true);
        await inner.ClearStateAsync(stateName, grainId, grainState);
    }
}

/// <summary>Which grains' state the database refuses right now, and how many reads and writes went through for each.</summary>
public sealed class StorageOutage
{
    private readonly ConcurrentDictionary<string, (bool Reads, bool Writes)> _down = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Grain, bool Write), int> _done = new();

    /// <summary>From now on, reads and/or writes of every grain whose id contains <paramref name="key"/> fail.</summary>
    public void Down(string key, bool reads, bool writes) => _down[key] = (reads, writes);

    public void Up(string key) => _down.TryRemove(key, out _);

    /// <summary>Successful writes (or reads) of grains whose id contains <paramref name="key"/>.</summary>
    public int Done(string key, bool write) => _done.Where(d => d.Key.Write == write && d.Key.Grain.Contains(key, StringComparison.Ordinal)).Sum(d => d.Value);

    internal void Check(GrainId grainId, bool write)
    {
        var id = grainId.ToString();
        foreach (var (key, down) in _down)
        {
            if (id.Contains(key, StringComparison.Ordinal) && (write ? down.Writes : down.Reads))
                throw new DatabaseException($"the database could not be reached while {(write ? "writing" : "reading")} the state of {id}: " +
                    $"Failed to connect to 127.0.0.1:5432 (test: {nameof(FakeOutageGrainStorage)})");
        }
    }

    internal void Count(GrainId grainId, bool write) => _done.AddOrUpdate((grainId.ToString(), write), 1, (_, n) => n + 1);
}
