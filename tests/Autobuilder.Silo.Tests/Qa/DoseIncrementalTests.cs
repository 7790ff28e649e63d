using Autobuilder.Acceptance;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Qa;
using Autobuilder.Silo.Qa;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Tests.Qa;

/// <summary>
/// The installability verdicts judged again after a publish only for the candidates the change can
/// reach (issue 15's speed), with the real dose-debcheck: the answers equal those of a checker that
/// judges everything afresh on the new indices, on a mixed change (one publish fixes a candidate,
/// breaks another directly and a third through a chain, and adds an unrelated package), while the
/// candidates it cannot reach are not judged again. Published trees are laid out as the stage
/// writes them: dists/&lt;product&gt; a link to a generation folder, switched by a publish.
/// </summary>
public sealed class DoseIncrementalTests : IDisposable
{
    private static readonly string Arch = SiloProcess.HostArchitecture;
    private readonly TempDir _dir = new("ab-dose-inc-");

    public void Dispose() => _dir.Dispose();

    private static string Stanza(string package, string version = "1", string extra = "") =>
        $"Package: {package}\nVersion: {version}\nArchitecture: {Arch}\n{extra}Description: {package}\n a long description dose never reads\n\n";

    private const string Candidates = "app-fixed app-broken app-deep app-steady app-other app-rebuilt";

    private string Testing(int generation, bool rebuilt = false) => Publish("extras-testing", generation,
        Stanza("app-fixed", "1.0-1", "Depends: libfoo (>= 2)\n") +
        Stanza("app-broken", "1.0-1", "Depends: libbar\n") +
        Stanza("app-deep", "1.0-1", "Depends: libbaz\n") +
        Stanza("app-steady", "1.0-1", "Depends: libc6\n") +
        Stanza("app-other", "1.0-1", "Depends: libunrelated | libnothing\n") +
        // A binNMU: the same source version, a new binary version needing what the target lacks.
        (rebuilt ? Stanza("app-rebuilt", "1.0-1+b1", "Source: app-rebuilt (1.0-1)\nDepends: libgone\n") : Stanza("app-rebuilt", "1.0-1", "Depends: libc6\n")));

    private string Target(int generation) => Publish("extras", generation, generation == 1
        ? Stanza("libfoo") + Stanza("libbar") + Stanza("libbaz", extra: "Depends: libqux\n") + Stanza("libqux") + Stanza("libunrelated")
        // Generation 2: libfoo 2 (fixes app-fixed), libbar gone (breaks app-broken), libqux needs
        // what nobody has (breaks app-deep through libbaz), a new package nobody needs.
        : Stanza("libfoo", "2") + Stanza("libbaz", extra: "Depends: libqux\n") + Stanza("libqux", "2", "Depends: libmissing (>= 3)\n") + Stanza("libunrelated")
          + Stanza("newthing", extra: "Depends: libfoo\n"));

    /// <summary>Writes the generation's Packages and points the tree's dists/bookworm link at it; returns the tree's live path.</summary>
    private string Publish(string repository, int generation, string packages)
    {
        var live = _dir[repository];
        var folder = Path.Combine(live, "dists", $"bookworm.gen-{generation}");
        Directory.CreateDirectory(Path.Combine(folder, "main", $"binary-{Arch}"));
        File.WriteAllText(Path.Combine(folder, "main", $"binary-{Arch}", "Packages"), packages);
        var link = Path.Combine(live, "dists", "bookworm");
        if (Directory.Exists(link))
            Directory.Delete(link);
        Directory.CreateSymbolicLink(link, $"bookworm.gen-{generation}");
        return live;
    }

    private DoseInstallabilityChecker Checker(IDoseRunner runner)
    {
        var baseIndex = _dir.Write("base/Packages", Stanza("libc6", "2.36") + Stanza("base-files", extra: "Essential: yes\n"));
        var options = new AutobuilderOptions();
        options.Qa.BaseIndices["bookworm"] = [baseIndex];
        return new DoseInstallabilityChecker(Options.Create(options), runner, NullLogger<DoseInstallabilityChecker>.Instance);
    }

    private static InstallabilityQuery Query(string testing, string target) =>
        new(new PublishedIndices("extras-testing/bookworm", testing, "bookworm", ["main"]),
            [new PublishedIndices("extras/bookworm", target, "bookworm", ["main"])], [Arch],
            [.. Candidates.Split(' ').Select(c => (c, "1.0-1"))]);

    [Fact]
    public async Task Should_answer_as_a_full_recompute_and_judge_only_what_the_change_reaches_When_a_publish_fixes_one_candidate_and_breaks_others()
    {
        // Arrange: verdicts on generation 1 of both trees.
        var runner = new CountingDoseRunner(new DoseRunner());
        using var checker = Checker(runner);
        var first = await checker.CheckAsync(Query(Testing(1), Target(1)));
        var judgedOnce = Candidates.Split(' ').ToDictionary(c => c, runner.RunsJudging);

        // Act: generation 2 of the target (the mixed change) and of testing (app-rebuilt binNMU'd), judged
        // by the same checker (incrementally) and by a new one (everything afresh).
        var query = Query(Testing(2, rebuilt: true), Target(2));
        var incremental = await checker.CheckAsync(query);
        var fullRunner = new CountingDoseRunner(new DoseRunner());
        using var fresh = Checker(fullRunner);
        var full = await fresh.CheckAsync(query);
        var again = await checker.CheckAsync(query);

        // Assert: generation 1's verdicts.
        Assert.Null(first.Failure);
        Assert.Equal(["app-fixed 1.0-1"], first.Broken.Keys);
        Assert.All(judgedOnce.Values, n => Assert.Equal(1, n));
        // Generation 2: the same answers as a full recompute, explanations included.
        Assert.Null(incremental.Failure);
        Assert.Null(full.Failure);
        Assert.Equal(["app-broken 1.0-1", "app-deep 1.0-1", "app-rebuilt 1.0-1"], full.Broken.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Describe(full), Describe(incremental));
        Assert.Contains("needs libqux, which needs libmissing (>= 3)", Describe(full));
        // Judged again: what the change reaches (app-other's alternatives reach nothing that changed).
        Assert.Equal(2, runner.RunsJudging("app-fixed"));
        Assert.Equal(2, runner.RunsJudging("app-broken"));
        Assert.Equal(2, runner.RunsJudging("app-deep"));
        Assert.Equal(2, runner.RunsJudging("app-rebuilt"));
        Assert.Equal(1, runner.RunsJudging("app-steady"));
        Assert.Equal(1, runner.RunsJudging("app-other"));
        // And nothing again while the indices stay.
        Assert.Equal(Describe(full), Describe(again));
        Assert.Equal(2, runner.Runs);
    }

    [Fact]
    public async Task Should_judge_every_candidate_again_When_an_essential_package_of_the_background_changes()
    {
        // Arrange
        var runner = new CountingDoseRunner(new DoseRunner());
        using var checker = Checker(runner);
        await checker.CheckAsync(Query(Testing(1), Target(1)));

        // Act: the target gains an Essential package that needs what nobody has: no candidate is installable.
        var target = Publish("extras", 3, Stanza("libfoo") + Stanza("libbar") + Stanza("libbaz", extra: "Depends: libqux\n") + Stanza("libqux") + Stanza("libunrelated")
            + Stanza("essential-thing", extra: "Essential: yes\nDepends: nowhere-to-be-found\n"));
        var after = await checker.CheckAsync(Query(_dir["extras-testing"], target));

        // Assert
        Assert.Null(after.Failure);
        Assert.Equal(Candidates.Split(' ').Select(c => $"{c} 1.0-1").Order(StringComparer.Ordinal), after.Broken.Keys.Order(StringComparer.Ordinal));
        Assert.All(Candidates.Split(' '), c => Assert.Equal(2, runner.RunsJudging(c)));
    }

    private static string Describe(InstallabilityReport report) =>
        string.Join("\n", report.Broken.OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(p => p.Value.Select(u => $"{p.Key}: {u.Package} {u.Version} {u.Architecture}: {string.Join("; ", u.Reasons)}")));
}
