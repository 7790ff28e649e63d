using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>Every configured repository (key 0): what <c>repo list</c> shows.</summary>
public interface IRepositoriesGrain : IGrainWithIntegerKey
{
    [Reader]
    Task<IReadOnlyList<RepositoryInfo>> ListAsync();
}
