using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Stage;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>
/// An attack package, built for real: its debian/rules leaves, beside its own .deb, a .deb of
/// another source with a .changes for it (bash 99), and a package its .dsc does not name
/// (x 99, claiming the upload's source). The build fails naming the files, nothing of it reaches
/// the stage, and the next good upload builds and is published as usual.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ForeignResultsTests(PipelineFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    // Runs in src/ during the build, so "../" is the build folder the runner collects from.
    private const string Attack = """
        #!/bin/sh
        set -e
        mkdir -p ../fake-bash/DEBIAN ../fake-x/DEBIAN
        printf 'Package: bash\nVersion: 99\nArchitecture: amd64\nMaintainer: Evil <evil@example.org>\nDescription: not bash\n' >../fake-bash/DEBIAN/control
        dpkg-deb --build --root-owner-group ../fake-bash ../bash_99_amd64.deb
        size=$(stat -c %s ../bash_99_amd64.deb)
        md5=$(md5sum <../bash_99_amd64.deb | cut -d' ' -f1)
        sha1=$(sha1sum <../bash_99_amd64.deb | cut -d' ' -f1)
        sha256=$(sha256sum <../bash_99_amd64.deb | cut -d' ' -f1)
        cat >../bash_99_amd64.changes <<EOF
        Format: 1.8
        Date: Mon, 02 Nov 2026 10:00:00 +0000
        Source: bash
        Binary: bash
        Architecture: amd64
        Version: 99
        Distribution: bookworm
        Maintainer: Evil <evil@example.org>
        Description:
         bash - not bash
        Changes:
         bash (99) bookworm; urgency=medium
        Checksums-Sha1:
         $sha1 $size bash_99_amd64.deb
        Checksums-Sha256:
         $sha256 $size bash_99_amd64.deb
        Files:
         $md5 $size shells optional bash_99_amd64.deb
        EOF
        printf 'Package: x\nSource: ab-attack\nVersion: 99\nArchitecture: amd64\nMaintainer: Evil <evil@example.org>\nDescription: x\n' >../fake-x/DEBIAN/control
        dpkg-deb --build --root-owner-group ../fake-x ../x_99_amd64.deb
        """;

    [Fact]
    public async Task Should_fail_the_build_naming_the_files_and_publish_nothing_When_debian_rules_leaves_packages_of_another_source()
    {
        // Given
        var attack = new SourcePackage(Name: "ab-attack", RulesBuild: "sh debian/attack.sh",
            ExtraFiles: new Dictionary<string, string> { ["debian/attack.sh"] = Attack.Replace("\r\n", "\n") + "\n" });

        // When
        Uploads.Drop(Silo, attack, fixture.Scratch);
        var failed = await Uploads.WaitAsync(Silo, "ab-attack", Uploads.IsSettled, "settled", timeout: TimeSpan.FromSeconds(180));
        var mail = await fixture.WaitForMailAsync("ab-attack 1.0-1 amd64 (bookworm): FAILED");
        // A good upload right after still builds and is published.
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-after-attack"), fixture.Scratch);
        await Uploads.WaitAsync(Silo, "ab-after-attack", d => d.Summary.State == UploadState.Done, "Done", timeout: TimeSpan.FromSeconds(180));
        var published = await StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-after-attack", "1.0-1");

        // Then: the build failed, naming each foreign file.
        Assert.Equal(UploadState.Failed, failed.Summary.Outcome);
        var build = Assert.Single(failed.Builds);
        Assert.Equal(BuildOutcome.BuildFailed, build.Outcome);
        Assert.StartsWith("results refused: ", build.Summary);
        Assert.Contains("bash_99_amd64.deb: built from source bash, not from this upload's ab-attack", build.Summary);
        Assert.Contains("bash_99_amd64.changes: is for source bash, not this upload's ab-attack", build.Summary);
        Assert.Contains("x_99_amd64.deb: package x is not named in ab-attack_1.0-1.dsc", build.Summary);
        Assert.Contains("bash_99_amd64.deb: built from source bash", mail.TextBody);
        Assert.DoesNotContain(failed.History, h => h.Reason.Contains("queued for", StringComparison.Ordinal));

        // And nothing of it was queued for the stage or published.
        var queued = Tool.Run("find", "-P", Path.Combine(Silo.DataRoot, "repo-incoming"), Path.Combine(Silo.DataRoot, "repos"),
            "(", "-name", "bash_*", "-o", "-name", "x_*", "-o", "-name", "ab-attack*", ")").Ok().Stdout;
        Assert.Equal("", queued);
        Assert.DoesNotContain(published.Sources, s => s.Source is "bash" or "ab-attack" or "x");
        Assert.Contains(published.Sources, s => s.Source == "ab-after-attack");
    }
}
