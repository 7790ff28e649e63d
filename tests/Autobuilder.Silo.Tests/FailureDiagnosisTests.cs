using System.Text.Json;
using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>
/// Failure diagnosis through a real silo: real dpkg-buildpackage in host mode compiles real C with
/// gcc; the mail and <c>uploads show</c> carry the error lines of the log, and a failing new
/// version of a source that built before carries the diff against that good build's log.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class FailureDiagnosisTests(PipelineFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    private const string GoodC = "int frob(int x) { return x + 1; }\n";
    private const string BrokenC = "int frob(int x) { return x + frobs; }\n";

    private static SourcePackage Package(string name, string upstream, string c) => new(
        Name: name, UpstreamVersion: upstream,
        RulesBuild: "gcc -Wall -c debian/frob.c -o debian/frob.o",
        ExtraFiles: new Dictionary<string, string> { ["debian/frob.c"] = c });

    [Fact]
    public async Task Should_mail_and_show_the_compiler_error_lines_When_a_build_fails()
    {
        // Given a source whose C does not compile
        Uploads.Drop(Silo, Package("ab-diag-errors", "1.0", BrokenC), fixture.Scratch);

        // When it is built
        var done = await Uploads.WaitAsync(Silo, "ab-diag-errors", d => d.Summary.State == UploadState.Done, "Done");

        // Then the build failed, and its diagnosis holds gcc's, make's and dpkg-buildpackage's lines
        Assert.Equal(UploadState.Failed, done.Summary.Outcome);
        var build = Assert.Single(done.Builds);
        Assert.Equal(BuildOutcome.BuildFailed, build.Outcome);
        var diagnosis = build.Diagnosis ?? throw new Xunit.Sdk.XunitException("the failed build has no diagnosis");
        Assert.Contains(diagnosis.ErrorLines, l => l.Contains("debian/frob.c:1:", StringComparison.Ordinal) && l.Contains("error: ", StringComparison.Ordinal) && l.Contains("frobs", StringComparison.Ordinal) && l.Contains("undeclared", StringComparison.Ordinal));
        Assert.Contains(diagnosis.ErrorLines, l => l.Contains("make[1]: *** [debian/rules:", StringComparison.Ordinal));
        Assert.Contains(diagnosis.ErrorLines, l => l.Contains("dpkg-buildpackage: error: ", StringComparison.Ordinal));
        Assert.All(diagnosis.ErrorLines, l => Assert.Matches(@"^line \d+: ", l));
        Assert.Null(diagnosis.Diff);

        // And the mail carries them
        var mail = await fixture.WaitForMailAsync($"ab-diag-errors 1.0-1 {SiloProcess.HostArchitecture} (bookworm): FAILED");
        Assert.Contains("Error lines found in the log:", mail.TextBody);
        Assert.Contains(diagnosis.ErrorLines[0], mail.TextBody);
        Assert.DoesNotContain("What changed against the last good build", mail.TextBody);

        // And uploads show prints them
        var show = AdminCli.Run(Silo, "uploads", "show", done.Summary.Id).Ok();
        Assert.Contains($"Errors in the {SiloProcess.HostArchitecture} log:", show.Stdout);
        Assert.Contains(diagnosis.ErrorLines[0], show.Stdout);
    }

    [Fact]
    public async Task Should_carry_the_diff_against_the_last_good_log_When_a_new_version_of_a_source_that_built_fails()
    {
        // Given version 1.0-1 of a source that built
        Uploads.Drop(Silo, Package("ab-diag-diff", "1.0", GoodC), fixture.Scratch);
        var good = await Uploads.WaitAsync(Silo, "ab-diag-diff", d => d.Summary.State == UploadState.Done && d.Summary.Version == "1.0-1", "1.0-1 Done");
        Assert.Equal(UploadState.Published, good.Summary.Outcome);

        // When version 1.1-1 breaks the C
        Uploads.Drop(Silo, Package("ab-diag-diff", "1.1", BrokenC), fixture.Scratch);
        var failed = await Uploads.WaitAsync(Silo, "ab-diag-diff", d => d.Summary.State == UploadState.Done && d.Summary.Version == "1.1-1", "1.1-1 Done");

        // Then its diagnosis diffs the failing region against 1.0-1's log: the error is added, the
        // lines after the compile that the good build reached are gone, and nothing volatile shows
        Assert.Equal(UploadState.Failed, failed.Summary.Outcome);
        var diagnosis = Assert.Single(failed.Builds).Diagnosis ?? throw new Xunit.Sdk.XunitException("the failed build has no diagnosis");
        Assert.Equal(good.Summary.Id, diagnosis.DiffAgainst);
        var diff = diagnosis.Diff ?? throw new Xunit.Sdk.XunitException($"no diff; note: {diagnosis.Note}");
        var lines = diff.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"--- {good.Summary.Id} (last good build, version 1.0-1)", lines[0]);
        Assert.StartsWith("+++ this build (version 1.1-1)", lines[1]);
        Assert.Contains(lines, l => l.StartsWith('+') && l.Contains("error: ", StringComparison.Ordinal) && l.Contains("frobs", StringComparison.Ordinal) && l.Contains("undeclared", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith('-') && l.Contains("dh_builddeb", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(' ') && l.Contains("Entering directory '<build>/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(' ') && l.Contains("gcc -Wall -c debian/frob.c -o debian/frob.o", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l[0] is '+' or '-' && !l.StartsWith("---", StringComparison.Ordinal) && !l.StartsWith("+++", StringComparison.Ordinal)
            && (l.Contains("1.0-1", StringComparison.Ordinal) || l.Contains("1.1-1", StringComparison.Ordinal) || l.Contains("/tmp/", StringComparison.Ordinal)));

        // And the mail carries the diff
        var mail = await fixture.WaitForMailAsync($"ab-diag-diff 1.1-1 {SiloProcess.HostArchitecture} (bookworm): FAILED");
        Assert.Contains($"What changed against the last good build ({good.Summary.Id}), around the errors:", mail.TextBody);
        Assert.Contains(lines.First(l => l.StartsWith('+') && l.Contains("frobs", StringComparison.Ordinal)), mail.TextBody);

        // And uploads show --json has it
        var json = AdminCli.Run(Silo, "uploads", "show", failed.Summary.Id, "--json").Ok();
        using var doc = JsonDocument.Parse(json.Stdout);
        var shown = doc.RootElement.GetProperty("builds")[0].GetProperty("diagnosis");
        Assert.Equal(good.Summary.Id, shown.GetProperty("diffAgainst").GetString());
        Assert.Contains("frobs", shown.GetProperty("diff").GetString());
    }
}
