using Autobuilder.Debian.Tests.Indices;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// Issue 12 with real parts (a silo process, dpkg-buildpackage, the SMTP server, apt-get with
/// signature checking): a built upload offered to its distribution, published with its source,
/// and the source following promotion, removal and rollback; a stage rejection mailed to the uploader.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class PublishedUploadTests(PipelineFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    private static AptSandbox AptWithSources(SiloProcess silo, string repository) =>
        new($"deb [signed-by={StageQueue.Keyring(silo, repository)}] file:{StageQueue.Live(silo, repository)} bookworm main",
            $"deb-src [signed-by={StageQueue.Keyring(silo, repository)}] file:{StageQueue.Live(silo, repository)} bookworm main");

    [Fact]
    public async Task Should_serve_the_source_to_apt_get_source_and_build_dep_When_an_upload_was_published()
    {
        // Given: an upload built and published through the offer.
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-src"), fixture.Scratch);
        var done = await Uploads.WaitAsync(Silo, "ab-src", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(3));
        Assert.True(done.Summary.Outcome == UploadState.Published, $"{done.Summary.State}/{done.Summary.Outcome}: {done.Summary.LastReason}");

        // When
        using var apt = AptWithSources(Silo, "extras-devel");
        var update = apt.Update();
        var source = apt.Run("apt-get", "source", "ab-src");
        // The build-dependencies the generated source names (and apt's own build-essential) count as installed.
        var status = Path.Combine(fixture.Scratch, "ab-src-dpkg-status");
        File.WriteAllText(status, """
            Package: debhelper
            Status: install ok installed
            Priority: optional
            Section: devel
            Maintainer: Test <test@example.org>
            Architecture: all
            Version: 13.11.4
            Provides: debhelper-compat (= 13)
            Description: stand-in status entry for apt's resolver

            Package: build-essential
            Status: install ok installed
            Priority: optional
            Section: devel
            Maintainer: Test <test@example.org>
            Architecture: amd64
            Version: 12.9
            Description: stand-in status entry for apt's resolver

            """);
        var buildDep = apt.Run("apt-get", "-o", $"Dir::State::status={status}", "-s", "build-dep", "ab-src");
        var show = AdminCli.Run(Silo, "uploads", "show", done.Summary.Id);

        // Then: the signed Sources index leads apt to the .dsc and its files, whose sums it checks.
        StageQueue.AssertCleanUpdate(update);
        Assert.True(source.ExitCode == 0, $"apt-get source failed:\n{source.Stdout}\n{source.Stderr}");
        Assert.True(File.Exists(Path.Combine(apt.Downloads, "ab-src_1.0-1.dsc")), "apt-get source fetched no .dsc");
        Assert.True(Directory.Exists(Path.Combine(apt.Downloads, "ab-src-1.0")), $"apt-get source unpacked nothing:\n{source.Stdout}");
        Assert.True(buildDep.ExitCode == 0, $"apt-get build-dep failed:\n{buildDep.Stdout}\n{buildDep.Stderr}");
        Assert.Contains("0 newly installed", buildDep.Stdout);
        var suite = Path.Combine(StageQueue.Live(Silo, "extras-devel"), "dists", "bookworm");
        var release = Debian.Indices.ReleaseFile.Load(Path.Combine(suite, "Release"));
        Assert.Contains(release.Files, f => f.Name == "main/source/Sources.xz");
        Assert.Contains(release.Files, f => f.Name == "main/source/Sources.gz");

        // And the upload says where it went and how long each leg took.
        var answer = Assert.Single(done.Publications!);
        Assert.True(answer.Published);
        Assert.Equal("extras-devel/bookworm", answer.Distribution);
        Assert.All(done.Latency!.Legs(), l => Assert.True(l.Took is not null, $"{l.Leg} not recorded"));
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains($"Archive:  published in extras-devel/bookworm, generation {answer.Generation}", show.Stdout);
        Assert.Contains("landing→live", show.Stdout);
        var mail = await fixture.WaitForMailAsync("ab-src 1.0-1 (bookworm): published in extras-devel/bookworm");
        Assert.Contains($"published in extras-devel/bookworm, generation {answer.Generation}", mail.TextBody);
    }

    [Fact]
    public async Task Should_move_the_source_with_its_binaries_When_promoted_removed_and_rolled_back()
    {
        // Given
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-srcmove"), fixture.Scratch);
        var done = await Uploads.WaitAsync(Silo, "ab-srcmove", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(3));
        Assert.True(done.Summary.Outcome == UploadState.Published, $"{done.Summary.State}/{done.Summary.Outcome}: {done.Summary.LastReason}");

        // When: promoted to extras-testing
        var promote = AutobuilderCli.Run(Silo, "repo", "promote", "ab-srcmove", "1.0-1", "--from", "extras-devel", "--to", "extras-testing");
        Assert.True(promote.ExitCode == 0, promote.Stderr);
        var promoted = await StageQueue.WaitForAsync(Silo, "extras-testing/bookworm", "ab-srcmove", "1.0-1");
        using (var apt = AptWithSources(Silo, "extras-testing"))
        {
            StageQueue.AssertCleanUpdate(apt.Update());
            Assert.True(apt.Run("apt-get", "source", "--download-only", "ab-srcmove").ExitCode == 0, "the promoted source is not served");
        }

        // When: removed there
        var remove = AutobuilderCli.Run(Silo, "repo", "remove", "ab-srcmove", "--from", "extras-testing/bookworm");
        Assert.True(remove.ExitCode == 0, remove.Stderr);
        using (var apt = AptWithSources(Silo, "extras-testing"))
        {
            StageQueue.AssertCleanUpdate(apt.Update());
            var gone = apt.Run("apt-get", "source", "--download-only", "ab-srcmove");
            Assert.NotEqual(0, gone.ExitCode);
            // apt words it by whether the suite's Sources is empty (it is: ab-srcmove was its only source) or not.
            Assert.True(gone.Stderr.Contains("Unable to find a source package for ab-srcmove", StringComparison.Ordinal)
                || gone.Stderr.Contains("You must put some 'deb-src' URIs", StringComparison.Ordinal), gone.Stderr);
        }

        // When: rolled back to the generation of the promotion
        var rollback = AutobuilderCli.Run(Silo, "repo", "rollback", "extras-testing/bookworm", "--to", promoted.Status.Generation.ToString());
        Assert.True(rollback.ExitCode == 0, rollback.Stderr);
        using (var apt = AptWithSources(Silo, "extras-testing"))
        {
            StageQueue.AssertCleanUpdate(apt.Update());
            var back = apt.Run("apt-get", "source", "--download-only", "ab-srcmove");
            Assert.True(back.ExitCode == 0, $"the source did not come back with the rollback:\n{back.Stdout}\n{back.Stderr}");
            Assert.True(File.Exists(Path.Combine(apt.Downloads, "ab-srcmove_1.0-1.dsc")));
        }
    }

    [Fact]
    public async Task Should_mail_the_uploader_and_show_the_reason_When_the_stage_rejects_a_built_upload()
    {
        // Given: extras-devel already holds a newer version (an operator's manual drop into repo-incoming).
        StageQueue.Drop(Silo, new StagePackage("ab-held", Version: "2.0-1"), fixture.Scratch);
        await StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-held", "2.0-1");

        // When: 1.0-1 is uploaded, accepted by the garage (it never saw 2.0-1) and built.
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-held"), fixture.Scratch);
        var done = await Uploads.WaitAsync(Silo, "ab-held", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromMinutes(3));

        // Then
        Assert.True(done.Summary.Outcome == UploadState.StageRejected, $"{done.Summary.State}/{done.Summary.Outcome}: {done.Summary.LastReason}");
        var answer = Assert.Single(done.Publications!);
        Assert.False(answer.Published);
        Assert.Contains(answer.Reasons, r => r.Contains("is not newer than 2.0-1, which extras-devel/bookworm holds", StringComparison.Ordinal));
        Assert.True(Directory.Exists(answer.RejectedFolder), $"no rejected folder {answer.RejectedFolder}");
        Assert.True(File.Exists(Path.Combine(answer.RejectedFolder!, "REJECTED.txt")));
        var mail = await fixture.WaitForMailAsync("ab-held 1.0-1 (bookworm): REJECTED by the archive");
        Assert.Contains("is not newer than 2.0-1, which extras-devel/bookworm holds", mail.TextBody);
        var show = AdminCli.Run(Silo, "uploads", "show", done.Summary.Id);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("Archive:  rejected by extras-devel/bookworm", show.Stdout);
    }
}
