using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary>
/// The repo commands that act on one repository or on all of them (sync, cleanup, auto-promote):
/// the repositories asked, one after another, and their results written as one.
/// </summary>
public static class RepositoryFanOut
{
    /// <summary>The target's repository, or every configured one when there is no target.</summary>
    public static async Task<IReadOnlyList<string>> NamesAsync(IGrainFactory grains, RepoTarget? target) =>
        target is not null
            ? [target.Repository]
            : (await grains.GetGrain<IRepositoriesGrain>(0).ListAsync()).Select(r => r.Name).ToList();

    /// <summary>Asks each repository in turn and writes the results as one: done only when every one is.</summary>
    public static async Task<int> WriteEachAsync(IGrainFactory grains, IEnumerable<string> repositories,
        Func<IRepositoryGrain, Task<StageResult>> ask, bool json)
    {
        var names = repositories.ToList();
        // Publishing a large distribution takes a while: at a terminal a spinner says which repository is at work.
        var results = await ConsoleProgress.StatusAsync(json, names.Count == 1 ? $"waiting for {names[0]}" : $"waiting for {names.Count} repositories", async status =>
        {
            var results = new List<StageResult>();
            foreach (var (name, i) in names.Select((n, i) => (n, i)))
            {
                status?.Set($"waiting for {name} ({i + 1} of {names.Count})");
                results.Add(await ask(grains.GetGrain<IRepositoryGrain>(name)));
            }
            return results;
        });
        return StageResultOutput.Write(new StageResult(results.All(r => r.Ok), string.Join("\n", results.Select(r => r.Message))), json);
    }
}
