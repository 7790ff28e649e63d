using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.BuildSources;

/// <summary>Where a chroot build finds one distribution it builds against: apt's URL, suite, components, and the key file on this host.</summary>
public sealed record BuildSourceLocation(string Distribution, string Url, string Suite, IReadOnlyList<string> Components, string KeyFile)
{
    /// <summary>The runner's --extra-repository value: "URL SUITE COMPONENT…".</summary>
    public string RunnerSpec => $"{Url} {Suite} {string.Join(' ', Components)}";
}

/// <summary>
/// Resolves the distributions a build request names (<c>BuildRequest.BuildSources</c>) on the
/// builder's silo: the configured URL and key (<c>Autobuilder:BuildSources:Urls/Keys</c>, a cluster),
/// else this silo's own live-tree server and the live tree's archive-keyring.gpg (role all, or a
/// builder beside the stage). A distribution not published yet is left out: apt would refuse the
/// whole update for a source without a Release, and the build's dep-wait then names what it misses.
/// </summary>
public sealed class BuildSourceLocator(StageConfiguration stage, IOptions<AutobuilderOptions> options, LiveTreeServer? server = null)
{
    public BuildSourceLocation? Locate(string distribution, out string? why)
    {
        why = null;
        var (repositoryName, product) = StageConfiguration.SplitKey(distribution);
        var repository = stage.Find(repositoryName);
        var o = options.Value.BuildSources;
        var components = repository?.Components ?? ["main"];
        if (o.Urls.TryGetValue(repositoryName, out var url))
        {
            var key = o.Keys.GetValueOrDefault(repositoryName) ?? repository?.PublicKeyPath;
            if (key is null || !File.Exists(key))
            {
                why = $"{distribution}: no key file {key ?? "configured"} on this host (Autobuilder:BuildSources:Keys)";
                return null;
            }
            return new(distribution, url.TrimEnd('/'), product, components, key);
        }
        if (repository is null || server?.BaseUrl is not { } baseUrl)
        {
            why = $"{distribution}: not served on this host and no URL configured (Autobuilder:BuildSources:Urls)";
            return null;
        }
        if (!File.Exists(Path.Combine(repository.LivePath, "dists", product, "InRelease")) || !File.Exists(repository.PublicKeyPath))
        {
            why = $"{distribution}: not published yet";
            return null;
        }
        return new(distribution, $"{baseUrl}/{repositoryName}", product, components, repository.PublicKeyPath);
    }
}
