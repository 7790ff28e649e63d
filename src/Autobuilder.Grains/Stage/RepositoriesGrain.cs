namespace Autobuilder.Grains.Stage;

/// <summary>The list of configured repositories for the console; stateless, so any silo answers.</summary>
[StatelessWorker]
public sealed class RepositoriesGrain(StageConfiguration configuration) : Grain, IRepositoriesGrain
{
    async Task<IReadOnlyList<RepositoryInfo>> IRepositoriesGrain.ListAsync()
    {
        var list = new List<RepositoryInfo>();
        foreach (var repo in configuration.Repositories)
            list.Add(await GrainFactory.GetGrain<IRepositoryGrain>(repo.Name).GetInfoAsync());
        return list;
    }
}
