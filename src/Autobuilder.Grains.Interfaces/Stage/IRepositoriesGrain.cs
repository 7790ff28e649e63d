namespace Autobuilder.Grains;

/// <summary>Every configured repository (key 0): what <c>repo list</c> shows.</summary>
public interface IRepositoriesGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<RepositoryInfo>> ListAsync();
}
