using Xunit.Abstractions;

// Two collections at once (xUnit's default on a 2-core machine), the longest first. Four at once
// was tried (session 9): on 2 cores the load rose to 40–50, tests that wait on builds and timers
// failed their bounds (a chroot build past 8 minutes, a drain racing its build), and the run was no
// shorter. `dotnet test -- xUnit.MaxParallelThreads=N` overrides it on a bigger machine.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
[assembly: TestCollectionOrderer("Autobuilder.Silo.Tests.LongestFirst", "Autobuilder.Silo.Tests")]

namespace Autobuilder.Silo.Tests;

/// <summary>
/// Starts the longest collections first. xUnit starts collections in this order as slots free up;
/// its default order is a stable shuffle, which once started the cluster collection (one fixture,
/// its classes one after another, ~10 min) halfway through the run, so the run lasted until it
/// ended. The longest first, the short ones fill the other slots meanwhile and end together.
/// The figures are from scripts/test-durations on full runs; a collection not named keeps
/// xUnit's order after these. The chaos run is not among them: its collection runs alone, after all
/// the others (ChaosAlone).
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    // Collection names (CollectionDefinition) and classes that are their own collection, longest first.
    private static readonly string[] Longest =
    [
        "cluster",                                               // ~10 min (FailoverTests 193 s, DatabaseOutageTests 98 s, …)
        "ssh-farm",                                              // two chroot builds, eight executor tests, sshd
        "Autobuilder.Silo.Tests.BuildSources.DependencyChainTests", // three chroot builds
        "uploaders",                                             // SignedUploadTests 171 s
        "pipeline",
        "stage",
        "Autobuilder.Silo.Tests.Stage.RemoteLiveTests",          // 93 s, two silos per test
        "Autobuilder.Silo.Tests.Stage.AptHammerTests",           // 100 publishes under four apt clients
        "qa",                                                    // WebQaTests 87 s
        "bad-upload-suite",
        "intake",
        "limits",
        "http-upload",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var all = testCollections.ToList();
        return all.OrderBy(c => Rank(c.DisplayName)).ThenBy(all.IndexOf);
    }

    private static int Rank(string displayName)
    {
        for (var i = 0; i < Longest.Length; i++)
        {
            // A defined collection's display name is its name; a class's own is "Test collection for NAMESPACE.CLASS".
            var name = Longest[i].Contains('.') ? ClassCollection + Longest[i] : Longest[i];
            if (displayName == name || displayName.StartsWith(name + " ", StringComparison.Ordinal))
                return i;
        }
        return Longest.Length;
    }

    private const string ClassCollection = "Test collection for ";
}
