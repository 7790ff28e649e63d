using Autobuilder.Acceptance;

namespace Autobuilder.Grains.Stage.Incoming;

/// <summary>
/// Whether a .changes may enter a distribution: the stage's check list
/// (<see cref="AcceptanceLists.StageChanges"/>) run on what the stage host read, with the
/// repository's configuration and the distribution's package set behind the list's ports.
/// </summary>
public static class IncomingRules
{
    /// <param name="repository">Null when no repository of the queue folder's name is configured.</param>
    /// <param name="knownProducts">Every product of every repository: a .changes naming one of them must name this one.</param>
    public static async Task<IReadOnlyList<CheckRejection>> CheckAsync(ChangesInspection changes, string repositoryName, RepositoryConfig? repository, string product,
        IReadOnlyCollection<string> knownProducts, PackageSet set)
    {
        var target = new StageTarget(repository?.Name ?? repositoryName, product, repository is not null, repository?.AcceptsUploads ?? false,
            repository?.Products ?? [], repository?.Architectures ?? [], knownProducts);
        var run = await AcceptanceLists.StageChanges.RunAsync(changes.Staged.ToContext(target, new HeldVersions(set)));
        return run.Rejections;
    }

    /// <summary>A file the .dsc names that neither came with the upload nor is in the pool (the stage's last word, after its pool was asked).</summary>
    public static CheckRejection PoolMissing(string file) =>
        new("pool-files", file, "Files", "uploaded or in the pool", "neither", $"{file} is named by the .dsc but neither uploaded nor in the pool");

    /// <summary>A refusal of the pool while adding the upload's files (the same name with other content…).</summary>
    public static CheckRejection PoolRefused(string reason) => new("pool-add", "", null, null, null, reason);

    /// <summary>Why <paramref name="candidate"/> may not join a distribution holding <paramref name="newest"/>, or null.</summary>
    public static string? Refusal(string newest, string candidate, string what, string where) => VersionRule.Refusal(newest, candidate, what, where);

    private sealed class HeldVersions(PackageSet set) : IHeldVersions
    {
        public string? NewestBinary(string package, string architecture) => Newest(set.Binary(package, architecture).Select(r => r.Version));

        public string? NewestSource(string source) => Newest(set.OfSource(source).Where(r => r.IsSource).Select(r => r.Version));

        private static string? Newest(IEnumerable<string> versions) => versions.OrderByDescending(v => v, VersionStringComparer.Instance).FirstOrDefault();
    }
}
