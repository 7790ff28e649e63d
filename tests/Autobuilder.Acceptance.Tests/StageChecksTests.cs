using Autobuilder.Acceptance.Checks;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Acceptance.Tests;

/// <summary>Each check of the stage's list on its own, with the reason an uploader (or operator) reads.</summary>
public sealed class StageChecksTests
{
    private static readonly StageTarget Target = new("extras-devel", "bookworm", true, true, ["bookworm"], ["amd64", "armhf"], ["bookworm", "trixie"]);
    private readonly FakeHeldVersions _held = new();

    private StageChangesContext Context(ChangesFile? changes = null, IReadOnlyList<StagedBinary>? binaries = null, IReadOnlyList<StagedSource>? sources = null,
        StageTarget? target = null, string? readError = null)
    {
        binaries ??= [Facts.Binary()];
        changes ??= readError is null ? Facts.Changes(files: [.. binaries.Select(b => b.File.Name)]) : null;
        return new()
        {
            ChangesFileName = "hello_1.0-1_amd64.changes",
            Changes = changes,
            ReadError = readError,
            Taken = Facts.Taken([.. changes?.Files.Select(f => f.Name) ?? []]),
            Binaries = binaries,
            Sources = sources ?? [],
            Target = target ?? Target,
            Held = _held,
        };
    }

    private static async Task<CheckRejection> RefusalOf(IAcceptanceCheck<StageChangesContext> check, StageChangesContext context) =>
        Assert.Single((await check.CheckAsync(context)).Rejections);

    [Fact]
    public async Task Should_say_why_When_the_changes_cannot_be_read()
    {
        var r = await RefusalOf(new ChangesWellFormedCheck(), Context(readError: "hello_1.0-1_amd64.changes cannot be read: line 3: expected 'Field: value'"));

        Assert.Equal(("changes-well-formed", "hello_1.0-1_amd64.changes cannot be read: line 3: expected 'Field: value'"), (r.Check, r.Reason));
    }

    [Fact]
    public async Task Should_name_the_queue_folder_When_no_such_repository_is_configured()
    {
        var r = await RefusalOf(new RepositoryKnownCheck(), Context(target: Target with { Repository = "nope", Configured = false }));

        Assert.Equal("there is no repository 'nope' (repo-incoming/nope/ is not a configured queue)", r.Reason);
    }

    [Fact]
    public async Task Should_point_to_promotion_When_the_repository_takes_no_uploads()
    {
        var r = await RefusalOf(new RepositoryTakesUploadsCheck(), Context(target: Target with { Repository = "extras", AcceptsUploads = false }));

        Assert.Equal("extras does not take packages from the builder; packages reach it by promotion (autobuilder repo promote)", r.Reason);
    }

    [Fact]
    public async Task Should_list_the_products_When_the_queue_is_for_another_product()
    {
        var r = await RefusalOf(new ProductOfRepositoryCheck(), Context(target: Target with { Product = "sarge" }));

        Assert.Equal("'sarge' is not a product of extras-devel (its products: bookworm)", r.Reason);
    }

    [Fact]
    public async Task Should_refuse_When_the_distribution_field_names_another_known_product()
    {
        var r = await RefusalOf(new DistributionMatchesCheck(), Context(changes: Facts.Changes(distribution: "trixie", files: "hello_1.0-1_amd64.deb")));
        var unknownDistribution = await new DistributionMatchesCheck().CheckAsync(Context(changes: Facts.Changes(distribution: "unstable", files: "hello_1.0-1_amd64.deb")));

        Assert.Equal("the .changes is for trixie (its Distribution field) but was queued for bookworm", r.Reason);
        Assert.False(unknownDistribution.IsRefused);
    }

    [Fact]
    public async Task Should_ask_for_a_current_dpkg_genchanges_When_sha1_is_not_listed()
    {
        var r = await RefusalOf(new Sha1ListedCheck(), Context(changes: Facts.Changes(sha1: false, files: "hello_1.0-1_amd64.deb")));

        Assert.Equal("hello_1.0-1_amd64.deb: not listed in Checksums-Sha1 (rebuild the .changes with a current dpkg-genchanges)", r.Reason);
    }

    [Fact]
    public async Task Should_refuse_a_udeb_When_one_is_listed()
    {
        var r = await RefusalOf(new NoUdebCheck(), Context(changes: Facts.Changes(files: "hello-udeb_1.0-1_amd64.udeb")));

        Assert.Equal("hello-udeb_1.0-1_amd64.udeb: .udeb packages (debian-installer) are not published by this archive", r.Reason);
    }

    [Fact]
    public async Task Should_say_why_When_a_deb_cannot_be_read_or_lacks_fields()
    {
        var unreadable = new StagedBinary(Facts.Entry("hello_1.0-1_amd64.deb"), null, "not an ar archive");
        var lacking = new StagedBinary(Facts.Entry("hello-doc_1.0-1_all.deb"), Debian.Control.ControlFile.ParseSingle("Package: hello-doc\n", "control"), null);

        var outcome = await new BinariesReadableCheck().CheckAsync(Context(binaries: [unreadable, lacking]));

        Assert.Equal(["hello_1.0-1_amd64.deb: not a readable .deb: not an ar archive", "hello-doc_1.0-1_all.deb: its control file lacks Package, Version or Architecture"],
            outcome.Rejections.Select(r => r.Reason));
    }

    [Fact]
    public async Task Should_refuse_a_bad_package_name_and_a_misnamed_deb_When_the_control_file_says_otherwise()
    {
        var outcome = await new BinaryNamesCheck().CheckAsync(Context(binaries: [Facts.Binary(package: "Hello", file: "hello_1.0-1_amd64.deb"), Facts.Binary(version: "1:1.0-1", file: "hello_1.0-1_i386.deb")]));

        Assert.Equal([
            "hello_1.0-1_amd64.deb: package name 'Hello' is not valid (Debian Policy 5.6.7)",
            "hello_1.0-1_amd64.deb: its control file says Hello 1.0-1 for amd64, so it must be named Hello_1.0-1_amd64.deb",
            "hello_1.0-1_i386.deb: its control file says hello 1:1.0-1 for amd64, so it must be named hello_1.0-1_amd64.deb",
        ], outcome.Rejections.Select(r => r.Reason));
    }

    [Fact]
    public async Task Should_refuse_a_package_the_changes_does_not_announce_When_binary_or_architecture_differ()
    {
        var outcome = await new BinariesInChangesCheck().CheckAsync(Context(
            changes: Facts.Changes(binary: "hello", architecture: "amd64", files: "other_1.0-1_armhf.deb"),
            binaries: [Facts.Binary(package: "other", architecture: "armhf")]));

        Assert.Equal([
            "other_1.0-1_armhf.deb: package other is not in the .changes' Binary field (hello)",
            "other_1.0-1_armhf.deb: architecture armhf is not in the .changes' Architecture field (amd64)",
        ], outcome.Rejections.Select(r => r.Reason));
    }

    [Fact]
    public async Task Should_refuse_a_package_of_another_source_When_it_would_slip_into_the_pool_folder()
    {
        var other = await RefusalOf(new BinariesFromSourceCheck(), Context(binaries: [Facts.Binary(source: "evil")]));
        var older = await RefusalOf(new BinariesFromSourceCheck(), Context(binaries: [Facts.Binary(source: "hello (0.9-1)")]));

        Assert.Equal("hello_1.0-1_amd64.deb: built from source evil, but the .changes is for hello", other.Reason);
        Assert.Equal("hello_1.0-1_amd64.deb: built from hello 0.9-1, but the .changes is for version 1.0-1", older.Reason);
    }

    [Fact]
    public async Task Should_refuse_two_dsc_files_When_a_changes_names_them()
    {
        StagedSource[] two = [new(Facts.Entry("hello_1.0-1.dsc"), Facts.Dsc(), null), new(Facts.Entry("hello_1.0-2.dsc"), Facts.Dsc(version: "1.0-2"), null)];

        var r = await RefusalOf(new OneDscCheck(), Context(sources: two));

        Assert.Equal("hello_1.0-1_amd64.changes names more than one .dsc", r.Reason);
    }

    [Fact]
    public async Task Should_refuse_a_dsc_of_another_version_When_it_comes_with_the_changes()
    {
        var r = await RefusalOf(new DscMatchesChangesCheck(), Context(sources: [new(Facts.Entry("hello_1.0-2.dsc"), Facts.Dsc(version: "1.0-2"), null)]));
        var unreadable = await RefusalOf(new DscMatchesChangesCheck(), Context(sources: [new(Facts.Entry("hello_1.0-1.dsc"), null, "line 1: expected 'Field: value'")]));

        Assert.Equal("hello_1.0-2.dsc: is hello 1.0-2, but the .changes is for hello 1.0-1", r.Reason);
        Assert.Equal("hello_1.0-1.dsc cannot be read: line 1: expected 'Field: value'", unreadable.Reason);
    }

    [Fact]
    public async Task Should_refuse_an_empty_upload_When_it_names_no_deb_and_no_dsc()
    {
        var r = await RefusalOf(new BringsSomethingCheck(), Context(changes: Facts.Changes(files: "hello_1.0-1.buildinfo"), binaries: []));

        Assert.Equal("hello_1.0-1_amd64.changes names no .deb and no .dsc: nothing to publish", r.Reason);
    }

    [Fact]
    public async Task Should_refuse_a_package_that_comes_twice_When_for_the_same_architecture()
    {
        var r = await RefusalOf(new BinaryOnceCheck(), Context(binaries: [Facts.Binary(), Facts.Binary(file: "hello-again_1.0-1_amd64.deb")]));

        Assert.Equal("hello-again_1.0-1_amd64.deb: hello for amd64 comes twice in this upload", r.Reason);
    }

    [Fact]
    public async Task Should_list_the_repositorys_architectures_When_a_binary_is_for_another()
    {
        var outcome = await new ArchitectureAllowedCheck().CheckAsync(Context(binaries: [Facts.Binary(architecture: "i386"), Facts.Binary(package: "hello-doc", architecture: "all")]));

        Assert.Equal("hello_1.0-1_i386.deb: architecture i386 is not one of extras-devel's (amd64, armhf)", Assert.Single(outcome.Rejections).Reason);
    }

    [Fact]
    public async Task Should_name_what_the_distribution_holds_When_a_version_is_not_newer()
    {
        _held.Binaries[("hello", "amd64")] = "1.0-1";
        _held.Sources["hello"] = "1:0.1-1";

        var outcome = await new HeldVersionNewerCheck().CheckAsync(Context(sources: [new(Facts.Entry("hello_1.0-1.dsc"), Facts.Dsc(), null)]));

        Assert.Equal([
            "hello 1.0-1 (amd64) is already in extras-devel/bookworm",
            "source hello 1.0-1 is not newer than 1:0.1-1, which extras-devel/bookworm holds",
        ], outcome.Rejections.Select(r => r.Reason));
        Assert.Equal(("version-newer", "newer than 1:0.1-1", "1.0-1"), (outcome.Rejections[1].Check, outcome.Rejections[1].Expected, outcome.Rejections[1].Found));
    }

    [Fact]
    public async Task Should_skip_what_needs_a_stage_When_run_offline()
    {
        var context = Context();
        var offline = new StageChangesContext { ChangesFileName = context.ChangesFileName, Changes = context.Changes, Taken = context.Taken, Binaries = context.Binaries };

        var run = await AcceptanceLists.StageChanges.RunAsync(offline);

        Assert.True(run.Accepted);
        Assert.Equal(["repository-known", "repository-takes-uploads", "product-of-repository", "distribution-matches", "architecture-allowed", "version-newer"],
            run.Results.Where(r => r.Outcome.Skipped is not null).Select(r => r.Check));
    }
}
