using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Chaos;

/// <summary>What an upload of the mix is, and so how it must end.</summary>
public enum UploadKind
{
    /// <summary>A new source that builds: Published.</summary>
    Good,
    /// <summary>A newer version of a source published earlier in the run: Published (and the older one becomes clean-up's).</summary>
    Newer,
    /// <summary>Its tarball changed after dpkg-source listed its checksum: Rejected.</summary>
    BadChecksum,
    /// <summary>debian/rules fails in the build: Failed.</summary>
    FailingBuild,
    /// <summary>The version an earlier upload of the run was accepted with, again: Rejected.</summary>
    OldVersion,
    /// <summary>Build-depends on the <see cref="DepWaitLib"/> of its pair, uploaded later: DepWait (host mode has no extra sources).</summary>
    DepWaitApp,
    /// <summary>What its <see cref="DepWaitApp"/> waits for: Published, and its publish wakes the wait.</summary>
    DepWaitLib,
}

/// <summary>
/// One upload of the mix. <paramref name="After"/>: the index of an upload that must have settled
/// before this one is dropped (the version this one repeats or follows), so a newer version never
/// supersedes a build in flight and a repeated version is refused for the right reason.
/// </summary>
public sealed record PlannedUpload(int Index, UploadKind Kind, SourcePackage Package, int? After, string? Pair = null)
{
    public string Source => Package.Name;

    public string Version => Package.Version;

    /// <summary>The outcomes this kind may end in; anything else is a finding.</summary>
    public UploadState Expected => Kind switch
    {
        UploadKind.Good or UploadKind.Newer or UploadKind.DepWaitLib => UploadState.Published,
        UploadKind.BadChecksum or UploadKind.OldVersion => UploadState.Rejected,
        UploadKind.FailingBuild => UploadState.Failed,
        UploadKind.DepWaitApp => UploadState.DepWait,
        _ => throw new InvalidOperationException(Kind.ToString()),
    };

    public override string ToString() => $"#{Index} {Kind} {Source} {Version}";
}

/// <summary>
/// The mix of a chaos run, made from the seed alone: the same seed gives the same uploads in the
/// same order. About a quarter bad (three kinds), a fifth dep-wait pairs, the rest good, a fifth of
/// those newer versions of earlier ones. The smallest real packages: 3.0 (native), no compiler, no debhelper.
/// </summary>
public static class ChaosPlan
{
    public static IReadOnlyList<PlannedUpload> Make(int uploads, Random rng)
    {
        if (uploads < 10)
            throw new ArgumentOutOfRangeException(nameof(uploads), "a mix needs at least 10 uploads");
        var pairs = uploads / 10;
        var bad = uploads / 4;
        var good = uploads - 2 * pairs - bad;
        var newer = good / 5;
        var tokens = new List<UploadKind>();
        tokens.AddRange(Enumerable.Repeat(UploadKind.Good, good - newer));
        tokens.AddRange(Enumerable.Repeat(UploadKind.Newer, newer));
        for (var i = 0; i < bad; i++)
            tokens.Add((i % 3) switch { 0 => UploadKind.BadChecksum, 1 => UploadKind.FailingBuild, _ => UploadKind.OldVersion });
        tokens.AddRange(Enumerable.Repeat(UploadKind.DepWaitApp, 2 * pairs)); // app or lib decided below, in order
        // The first few are good ones, so the versions later uploads repeat or follow exist early.
        var head = tokens.Where(t => t == UploadKind.Good).Take(3).ToList();
        foreach (var t in head)
            tokens.Remove(t);
        Shuffle(tokens, rng);
        tokens.InsertRange(0, head);

        var plan = new List<PlannedUpload>();
        var published = new List<int>();          // indices of uploads that end Published, candidates to follow or repeat
        var latest = new Dictionary<string, int>(StringComparer.Ordinal); // source → index of its newest planned version
        var waitingApps = new Queue<int>();
        var lastDrop = new Dictionary<(string Source, string Version), int>(); // the newest planned upload of these files
        var appsMade = 0;
        foreach (var token in tokens)
        {
            var i = plan.Count;
            switch (token)
            {
                case UploadKind.Good:
                    plan.Add(new PlannedUpload(i, UploadKind.Good, Native($"chaos-g{i}", "1.0"), null));
                    break;
                case UploadKind.Newer:
                {
                    var earlier = plan[published[rng.Next(published.Count)]];
                    var last = plan[latest[earlier.Source]];
                    var next = $"1.{int.Parse(last.Version.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture) + 1}";
                    plan.Add(new PlannedUpload(i, UploadKind.Newer, Native(earlier.Source, next), last.Index));
                    break;
                }
                case UploadKind.OldVersion:
                {
                    // After the last drop of the same files, not only the version it repeats: two
                    // repeats dropped at once share their file names, and the second then replaces
                    // the first in incoming before intake takes it (one upload, as an uploader who
                    // sent the same files twice would get), which the check counted as lost.
                    var earlier = plan[latest[plan[published[rng.Next(published.Count)]].Source]];
                    var after = lastDrop.GetValueOrDefault((earlier.Source, earlier.Version), earlier.Index);
                    plan.Add(new PlannedUpload(i, UploadKind.OldVersion, earlier.Package, after));
                    break;
                }
                case UploadKind.BadChecksum:
                    plan.Add(new PlannedUpload(i, UploadKind.BadChecksum, Native($"chaos-b{i}", "1.0"), null));
                    break;
                case UploadKind.FailingBuild:
                    plan.Add(new PlannedUpload(i, UploadKind.FailingBuild, Native($"chaos-f{i}", "1.0") with { RulesBuild = "exit 3" }, null));
                    break;
                default:
                {
                    // An app while pairs remain and (by chance, or no app waits) — else the lib of the oldest waiting app.
                    var makeApp = appsMade < pairs && (waitingApps.Count == 0 || rng.Next(2) == 0);
                    if (makeApp)
                    {
                        var pair = $"p{appsMade++}";
                        plan.Add(new PlannedUpload(i, UploadKind.DepWaitApp,
                            Native($"chaos-{pair}-app", "1.0") with { BuildDepends = $"chaos-{pair}-lib (>= 1.0)" }, null, pair));
                        waitingApps.Enqueue(i);
                    }
                    else
                    {
                        var pair = plan[waitingApps.Dequeue()].Pair!;
                        plan.Add(new PlannedUpload(i, UploadKind.DepWaitLib, Native($"chaos-{pair}-lib", "1.0"), null, pair));
                    }
                    break;
                }
            }
            var added = plan[^1];
            lastDrop[(added.Source, added.Version)] = added.Index;
            if (added.Expected == UploadState.Published && added.Kind != UploadKind.DepWaitLib)
            {
                published.Add(added.Index);
                latest[added.Source] = added.Index;
            }
        }
        return plan;
    }

    // No debhelper: dpkg-buildpackage with a debian/rules that calls dpkg-gencontrol and dpkg-deb
    // builds in about a second, where dh's sequence took several (most of a run's time was dh).
    private static SourcePackage Native(string name, string version) =>
        new(Name: name, UpstreamVersion: version, Revision: "", Format: "3.0 (native)", Debhelper: false);

    private static void Shuffle<T>(List<T> list, Random rng)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
