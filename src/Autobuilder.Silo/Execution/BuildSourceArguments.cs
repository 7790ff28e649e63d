using Autobuilder.Grains;
using Autobuilder.Silo.BuildSources;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// The build sources a request names (issue 12, point 5), resolved for one chroot build: where
/// each is (<see cref="BuildSourceLocator"/>) and the lines that say which were left out and why,
/// for the build's log. The same for every executor; what differs is how the key files reach the
/// build folder and, over SSH, how the builder host reaches a live tree served on this host's loopback.
/// </summary>
public sealed class BuildSourceArguments
{
    private readonly List<BuildSourceLocation> _located;
    private readonly List<string> _notes;

    private BuildSourceArguments(List<BuildSourceLocation> located, List<string> notes)
    {
        _located = located;
        _notes = notes;
    }

    /// <summary>No extra sources: host mode builds against what the builder host has installed (the runner refuses them there).</summary>
    public static BuildSourceArguments None { get; } = new([], []);

    public static BuildSourceArguments Resolve(BuildRequest build, BuildSourceLocator? locator)
    {
        var located = new List<BuildSourceLocation>();
        var notes = new List<string>();
        foreach (var distribution in build.BuildSources ?? [])
        {
            string? why = $"{distribution}: this silo has no build-source locator";
            if (locator?.Locate(distribution, out why) is { } location)
                located.Add(location);
            else
                notes.Add($"[autobuilder] build source left out: {why}");
        }
        return new(located, notes);
    }

    public bool IsEmpty => _located.Count == 0;

    /// <summary>The locations whose URL only this host can reach (its own live-tree server on the loopback).</summary>
    public IEnumerable<BuildSourceLocation> OnLoopback => _located.Where(l => l.Url.StartsWith("http://", StringComparison.Ordinal)
        && Uri.TryCreate(l.Url, UriKind.Absolute, out var uri) && uri.IsLoopback);

    /// <summary>The same sources with each URL <paramref name="rewrite"/> gives (e.g. the port a forward opened on the builder host).</summary>
    public BuildSourceArguments WithUrls(Func<BuildSourceLocation, string> rewrite) =>
        new([.. _located.Select(l => l with { Url = rewrite(l) })], _notes);

    /// <summary>Each key file on this host and the plain name it takes in the build folder (the runner takes only plain names there).</summary>
    public IEnumerable<(string KeyFile, string Name)> Keys => _located.Select((l, i) => (l.KeyFile, KeyName(i)));

    /// <summary>The runner's --extra-repository/--extra-repository-key pairs.</summary>
    public IEnumerable<string> RunnerArguments => _located.SelectMany((l, i) => new[] { "--extra-repository", l.RunnerSpec, "--extra-repository-key", KeyName(i) });

    /// <summary>What the log says about the build sources: each one used (with the URL the build reaches it at) and each left out with why.</summary>
    public IEnumerable<string> Notes => _notes.Concat(_located.Select(l =>
        $"[autobuilder] build source: {l.Distribution} at {l.Url} ({l.Suite} {string.Join(' ', l.Components)})"));

    private static string KeyName(int i) => $"build-source-{i + 1}.gpg";
}
