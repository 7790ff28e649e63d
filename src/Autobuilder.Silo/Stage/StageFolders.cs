using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;

namespace Autobuilder.Silo.Stage;

/// <summary>The stage host's folders, named once.</summary>
public sealed class StageFolders(DataPaths paths, StageConfiguration configuration)
{
    /// <summary>repo-incoming/: the queues the garage's hand-off fills, one folder per repository and product.</summary>
    public string IncomingRoot => Path.Combine(paths.Root, "repo-incoming");

    public string Incoming(string repository, string product) => paths.RepoIncoming(repository, product);

    /// <summary>repo-rejected/&lt;repository&gt;/&lt;product&gt;/: refused .changes, each in a folder of its own.</summary>
    public string Rejected(string repository, string product) => Path.Combine(paths.Root, "repo-rejected", repository, product);

    /// <summary>The journal and bookkeeping of one distribution.</summary>
    public string Database(string repository, string product) => Path.Combine(configuration.Database, repository, product);

    public string RepositoryDatabase(string repository) => Path.Combine(configuration.Database, repository);

    /// <summary>Complete generations of a distribution in staging, one folder each (the content of dists/&lt;product&gt;).</summary>
    public static string StagingGenerations(RepositoryConfig repository, string product) => Path.Combine(repository.StagingPath, "generations", product);

    /// <summary>The live dists/ folder: dists/&lt;product&gt; is a symbolic link into dists/.&lt;product&gt;/.</summary>
    public static string LiveDists(RepositoryConfig repository) => Path.Combine(repository.LivePath, "dists");

    public static string LiveGenerations(RepositoryConfig repository, string product) => Path.Combine(LiveDists(repository), "." + product);
}
