using Autobuilder.Acceptance.Checks;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Acceptance.Tests;

/// <summary>Each check of the garage's list on its own, with the reason an uploader reads.</summary>
public sealed class SourceChecksTests
{
    private const string Fpr = "0123456789ABCDEF0123456789ABCDEF01234567";
    private static readonly DateTimeOffset Now = Facts.Now;
    private readonly FakeUploaderDirectory _directory = new();
    private readonly FakeAcceptedVersions _versions = new();

    private SourceUploadContext Context(UploadSignature? signature = null, UploadChangesFacts? changes = null, SignaturePolicy policy = SignaturePolicy.Required,
        bool rights = false, bool ownership = false, string? areaLogin = null, DscFile? dsc = null, string? localUser = null, IReadOnlyList<string>? intake = null,
        TakenFiles? taken = null, string product = "bookworm", string dscFileName = "hello_1.0-1.dsc") => new()
    {
        DscFileName = dscFileName,
        Dsc = dsc ?? Facts.Dsc(),
        Taken = taken ?? Facts.Taken("hello_1.0.orig.tar.gz"),
        IntakeProblems = intake ?? [],
        Changes = changes,
        Signature = signature ?? new UploadSignature("hello_1.0-1.dsc", SignatureOutcome.Unsigned, null, null, null, ""),
        AreaLogin = areaLogin,
        AreaKind = areaLogin is null ? null : "SSH upload area (key login)",
        LocalUser = localUser,
        Product = product,
        Repository = "extras-devel",
        Products = ["bookworm", "trixie"],
        Architectures = ["amd64", "i386", "armhf"],
        Policy = new UploaderPolicy(policy, rights, ownership, 7, 1),
        Directory = _directory,
        Versions = _versions,
        Now = Now,
    };

    private static UploadSignature Good(DateTimeOffset? at = null) =>
        new("hello_1.0-1_source.changes", SignatureOutcome.Good, Fpr, Fpr[^16..], at ?? Now.AddHours(-1), "");

    private static readonly ChecksumSet DscSums = new(100, "m", "s1", "s256");

    private static UploadChangesFacts Changes(string dscName = "hello_1.0-1.dsc", string source = "hello", string version = "1.0-1",
        string arch = "source", string? sha256 = null) =>
        new("hello_1.0-1_source.changes", source, version, arch.Split(' '),
            [new FileEntry(dscName, 100, "m", "s1", sha256 ?? "s256")],
            new Dictionary<string, ChecksumSet> { ["hello_1.0-1.dsc"] = DscSums }, "Jane <jane@example.org>");

    private static CheckRejection Single(CheckOutcome outcome) => Assert.Single(outcome.Rejections);

    [Fact]
    public async Task Should_say_what_intake_found_When_intake_refused_a_file()
    {
        var outcome = await new FilesTakenCheck().CheckAsync(Context(intake: ["hello_1.0.orig.tar.gz: is a symbolic link; upload the file itself"]));

        var r = Single(outcome);
        Assert.Equal(("files-taken", "hello_1.0.orig.tar.gz: is a symbolic link; upload the file itself"), (r.Check, r.Reason));
        Assert.Equal(CheckFlow.Gate, new FilesTakenCheck().Flow);
    }

    [Fact]
    public async Task Should_skip_naming_why_When_no_intake_ran()
    {
        var c = Context();
        var offline = new SourceUploadContext { DscFileName = c.DscFileName, Dsc = c.Dsc, Taken = c.Taken };

        var outcome = await new FilesTakenCheck().CheckAsync(offline);

        Assert.Equal("intake runs on the garage; here the files are read from their folder (file-sums)", outcome.Skipped);
    }

    [Fact]
    public async Task Should_say_why_When_the_dsc_cannot_be_read()
    {
        var c = Context();
        var broken = new SourceUploadContext { DscFileName = "hello_1.0-1.dsc", DscError = "hello_1.0-1.dsc cannot be read: line 2: expected 'Field: value'", Taken = c.Taken };

        var r = Single(await new DscWellFormedCheck().CheckAsync(broken));

        Assert.Equal("hello_1.0-1.dsc cannot be read: line 2: expected 'Field: value'", r.Reason);
    }

    [Fact]
    public async Task Should_refuse_When_the_dsc_has_no_architecture_field()
    {
        var r = Single(await new DscWellFormedCheck().CheckAsync(Context(dsc: Facts.Dsc(architecture: null))));

        Assert.Equal(("Architecture", "hello_1.0-1.dsc has no Architecture field"), (r.Field, r.Reason));
    }

    [Fact]
    public async Task Should_list_the_products_When_the_product_is_unknown()
    {
        var r = Single(await new ProductKnownCheck().CheckAsync(Context(product: "sarge")));

        Assert.Equal("unknown product 'sarge' (this autobuilder builds for: bookworm, trixie)", r.Reason);
        Assert.Equal(("product", "sarge"), (r.Field, r.Found));
    }

    [Theory]
    [InlineData("mips64el", "nothing to build: Architecture 'mips64el' matches none of the architectures this autobuilder builds (amd64, i386, armhf)")]
    [InlineData("any", null)]
    [InlineData("all", null)]
    public async Task Should_refuse_When_the_architecture_field_matches_nothing_built(string field, string? reason)
    {
        var outcome = await new ArchitecturesBuildableCheck().CheckAsync(Context(dsc: Facts.Dsc(architecture: field)));

        Assert.Equal(reason, outcome.Rejections.SingleOrDefault()?.Reason);
    }

    [Fact]
    public async Task Should_say_why_When_the_changes_cannot_be_read()
    {
        var c = Context();
        var broken = new SourceUploadContext { DscFileName = c.DscFileName, Dsc = c.Dsc, Taken = c.Taken, ChangesError = "hello_1.0-1_source.changes cannot be read: line 1: expected 'Field: value'" };

        var r = Single(await new ChangesReadableCheck().CheckAsync(broken));

        Assert.Equal(("changes-readable", "hello_1.0-1_source.changes cannot be read: line 1: expected 'Field: value'"), (r.Check, r.Reason));
    }

    [Fact]
    public async Task Should_refuse_naming_the_file_When_the_changes_names_another_dsc()
    {
        var r = Single(await new ChangesNamesDscCheck().CheckAsync(Context(changes: Changes(dscName: "hello_1.0-2.dsc"))));

        Assert.Equal("changes-names-dsc", r.Check);
        Assert.Equal("hello_1.0-1_source.changes does not name hello_1.0-1.dsc in its Files (it names hello_1.0-2.dsc): a .changes must be the one made with its .dsc (dpkg-genchanges -S)", r.Reason);
        Assert.Equal(("Files", "hello_1.0-1.dsc", "hello_1.0-2.dsc"), (r.Field, r.Expected, r.Found));
    }

    [Theory]
    [InlineData("other", "1.0-1", "source", "Source", "hello_1.0-1_source.changes is for source 'other', but hello_1.0-1.dsc is 'hello'")]
    [InlineData("hello", "1.0-2", "source", "Version", "hello_1.0-1_source.changes is for version 1.0-2, but hello_1.0-1.dsc is 1.0-1")]
    [InlineData("hello", "1.0-1", "amd64", "Architecture", "hello_1.0-1_source.changes is not a source upload (its Architecture is 'amd64', without 'source'): this autobuilder takes sources and builds them itself")]
    public async Task Should_refuse_When_the_changes_disagrees_with_the_dsc(string source, string version, string arch, string field, string reason)
    {
        var r = Single(await new ChangesMatchesDscCheck().CheckAsync(Context(changes: Changes(source: source, version: version, arch: arch))));

        Assert.Equal((field, reason), (r.Field, r.Reason));
    }

    [Fact]
    public async Task Should_refuse_with_expected_and_found_When_a_sum_in_the_changes_is_wrong()
    {
        var r = Single(await new ChangesChecksumsCheck().CheckAsync(Context(changes: Changes(sha256: "bad"))));

        Assert.Equal(("hello_1.0-1.dsc", "bad", "s256"), (r.File, r.Expected, r.Found));
        Assert.Equal("hello_1.0-1_source.changes: hello_1.0-1.dsc: checksum mismatch in Checksums-Sha256: expected bad, got s256 (the file changed after the upload was signed, or was damaged in transfer)", r.Reason);
    }

    [Fact]
    public async Task Should_pass_When_the_changes_agrees_with_the_files()
    {
        var context = Context(changes: Changes());
        foreach (var check in new IAcceptanceCheck<SourceUploadContext>[] { new ChangesReadableCheck(), new ChangesNamesDscCheck(), new ChangesMatchesDscCheck(), new ChangesChecksumsCheck() })
            Assert.Same(CheckOutcome.Passed, await check.CheckAsync(context));
    }

    [Theory]
    [InlineData(SignaturePolicy.Required, true)]
    [InlineData(SignaturePolicy.Optional, false)]
    [InlineData(SignaturePolicy.None, false)]
    public async Task Should_refuse_unsigned_uploads_only_When_the_policy_requires_signatures(SignaturePolicy policy, bool refused)
    {
        var outcome = await new SignaturePresentCheck().CheckAsync(Context(policy: policy));

        Assert.Equal(refused, outcome.IsRefused);
        if (refused)
            Assert.Equal("hello_1.0-1.dsc is not signed, but uploads to extras-devel must be (OpenPGP policy 'required'): sign it with debsign, or with `autobuilder upload --sign`, using a key registered with your account", Single(outcome).Reason);
    }

    [Theory]
    [InlineData(SignaturePolicy.Required)]
    [InlineData(SignaturePolicy.Optional)]
    [InlineData(SignaturePolicy.None)]
    public async Task Should_refuse_a_bad_signature_When_any_policy_is_in_force(SignaturePolicy policy)
    {
        var bad = new UploadSignature("hello_1.0-1.dsc", SignatureOutcome.Bad, null, "89ABCDEF01234567", null, "hello_1.0-1.dsc was changed after it was signed (gpgv: BAD signature)");

        var r = Single(await new SignatureValidCheck().CheckAsync(Context(bad, policy: policy)));

        Assert.Equal("the OpenPGP signature of hello_1.0-1.dsc (key 89ABCDEF01234567) is bad: hello_1.0-1.dsc was changed after it was signed (gpgv: BAD signature)", r.Reason);
    }

    [Fact]
    public async Task Should_name_the_key_When_no_account_has_it()
    {
        var unknown = new UploadSignature("hello_1.0-1.dsc", SignatureOutcome.UnknownKey, null, "89ABCDEF01234567", null, "");

        var refused = await new SignatureValidCheck().CheckAsync(Context(unknown, policy: SignaturePolicy.Optional));
        var context = Context(unknown, policy: SignaturePolicy.None);
        var underNone = await new SignatureValidCheck().CheckAsync(context);

        Assert.Equal("hello_1.0-1.dsc is signed by key 89ABCDEF01234567, which no account of this autobuilder has: an operator of this autobuilder can add it to your account with `autobuilder accounts key add LOGIN --openpgp FILE`", Single(refused).Reason);
        Assert.False(underNone.IsRefused);
        Assert.Contains("not verified", context.How);
    }

    [Fact]
    public async Task Should_refuse_a_signature_older_than_the_window_When_it_was_replayed()
    {
        var r = Single(await new SignatureTimeCheck().CheckAsync(Context(Good(Now.AddDays(-8)))));

        Assert.Equal($"the signature of hello_1.0-1_source.changes by key {Fpr} was made on 2026-11-24 12:00:00Z, more than 7 days ago (Autobuilder:Uploaders:SignatureMaxAgeDays; an old signed upload is not taken again): sign it again and upload", r.Reason);
    }

    [Fact]
    public async Task Should_refuse_a_signature_from_the_future_When_it_is_beyond_the_window()
    {
        var late = await new SignatureTimeCheck().CheckAsync(Context(Good(Now.AddDays(2))));
        var fine = await new SignatureTimeCheck().CheckAsync(Context(Good(Now.AddHours(20))));

        Assert.Equal($"the signature of hello_1.0-1_source.changes by key {Fpr} is dated 2026-12-04 12:00:00Z, more than 1 days in the future (Autobuilder:Uploaders:SignatureMaxFutureDays): check your computer's clock and sign again", Single(late).Reason);
        Assert.False(fine.IsRefused);
    }

    [Fact]
    public async Task Should_take_the_directorys_reason_When_the_signer_may_not_sign()
    {
        _directory.Signers[Fpr] = new SignerAnswer(null, "account jane is disabled: left the project");

        var r = Single(await new SignerAccountCheck().CheckAsync(Context(Good())));

        Assert.Equal($"hello_1.0-1_source.changes is signed by key {Fpr}, which may not sign uploads: account jane is disabled: left the project", r.Reason);
        Assert.Equal([$"signer {Fpr} at 2026-12-02 11:00:00Z"], _directory.Asked);
    }

    [Fact]
    public async Task Should_make_the_signer_the_uploader_When_the_directory_knows_the_key()
    {
        _directory.Signers[Fpr] = new SignerAnswer("jane", null);
        var context = Context(Good(), areaLogin: "bob");

        Assert.False((await new SignerAccountCheck().CheckAsync(context)).IsRefused);
        Assert.False((await new UploaderAccountCheck().CheckAsync(context)).IsRefused);

        Assert.Equal("jane", context.Account);
        Assert.Equal(Fpr, context.SignerFingerprint);
        Assert.StartsWith($"OpenPGP signature on hello_1.0-1_source.changes by key {Fpr} of account jane", context.How);
    }

    [Fact]
    public async Task Should_take_the_areas_account_When_an_unsigned_upload_came_through_ssh()
    {
        var context = Context(policy: SignaturePolicy.Optional, rights: true, areaLogin: "bob");

        Assert.False((await new UploaderAccountCheck().CheckAsync(context)).IsRefused);

        Assert.Equal("bob", context.Account);
        Assert.Equal("unsigned; came through the SSH upload area (key login) of account bob", context.How);
    }

    [Fact]
    public async Task Should_name_the_unix_user_When_an_unsigned_upload_was_put_into_local_incoming()
    {
        var context = Context(policy: SignaturePolicy.None, localUser: "operator1");

        Assert.False((await new UploaderAccountCheck().CheckAsync(context)).IsRefused);

        Assert.Null(context.Account);
        Assert.Equal("unsigned; put into incoming/ on the garage by unix user operator1 (an operator's copy): no account", context.How);
    }

    [Fact]
    public async Task Should_refuse_an_upload_without_account_When_rights_are_required()
    {
        var r = Single(await new UploaderAccountCheck().CheckAsync(Context(policy: SignaturePolicy.None, rights: true)));

        Assert.Equal("uploads to extras-devel/bookworm need an account with the right to upload (Autobuilder:Uploaders:RequireRights), but this one has none (unsigned; put into incoming/ on the garage (an operator's copy): no account): sign it with a key registered with your account, or upload through your own upload area", r.Reason);
    }

    [Fact]
    public async Task Should_refuse_an_upload_without_account_When_source_ownership_is_on()
    {
        var r = Single(await new SourceOwnershipCheck().CheckAsync(Context(policy: SignaturePolicy.None, ownership: true)));

        Assert.Equal("source ownership is on (Autobuilder:Uploaders:SourceOwnership), so an upload of hello must come from an account, but this one has none (not verified): sign it with a key registered with your account", r.Reason);
    }

    [Fact]
    public async Task Should_name_the_account_and_the_grant_When_the_right_is_missing()
    {
        var context = Context(rights: true);
        context.Account = "jane";

        var refused = Single(await new UploadRightCheck().CheckAsync(context));
        _directory.Rights.Add(("jane", "extras-devel", "bookworm"));
        var allowed = await new UploadRightCheck().CheckAsync(context);

        Assert.Equal("account jane may not upload to extras-devel/bookworm: an operator can grant it with `autobuilder accounts grant jane extras-devel bookworm`", refused.Reason);
        Assert.Equal(("upload-right", "jane"), (refused.Check, refused.Found));
        Assert.False(allowed.IsRefused);
    }

    [Fact]
    public async Task Should_not_ask_the_directory_When_rights_and_ownership_are_off()
    {
        var context = Context(policy: SignaturePolicy.None);
        context.Account = "jane";

        Assert.False((await new UploadRightCheck().CheckAsync(context)).IsRefused);
        Assert.Empty(_directory.Asked);
    }

    [Fact]
    public async Task Should_name_the_accepted_version_When_the_version_is_not_newer()
    {
        _versions.Accepted["hello"] = "1.0-1";

        var r = Single(await new VersionNewerCheck().CheckAsync(Context()));

        Assert.Equal("version 1.0-1 of hello is not newer than 1.0-1, already accepted for bookworm; raise the version in debian/changelog", r.Reason);
        Assert.Equal(("version-newer", "Version", "1.0-1"), (r.Check, r.Field, r.Found));
    }

    [Fact]
    public async Task Should_skip_every_check_that_needs_the_garage_When_run_offline()
    {
        var c = Context(changes: Changes());
        var offline = new SourceUploadContext { DscFileName = c.DscFileName, Dsc = c.Dsc, Taken = c.Taken };

        var run = await AcceptanceLists.SourceUpload.RunAsync(offline);

        Assert.True(run.Accepted);
        Assert.Equal(["files-taken", "product-known", "architectures-buildable", "signature-present", "signature-valid", "signature-time",
            "signer-account", "uploader-account", "source-ownership", "upload-right", "version-newer"],
            run.Results.Where(r => r.Outcome.Skipped is not null).Select(r => r.Check));
        Assert.All(run.Results.Where(r => r.Outcome.Skipped is not null), r => Assert.StartsWith("needs", r.Outcome.Skipped!.Replace("intake runs", "needs", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("Jane Doe <jane@example.org>", true)]
    [InlineData("J. Doe (maemo) <j.doe+ab@mail.example.org>", true)]
    [InlineData("somebody", false)]
    [InlineData("jane@example.org", false)]
    [InlineData("<jane@example.org>", false)]
    [InlineData("Jane <jane@example.org>, Eve <eve@example.org>", false)]
    [InlineData("Jane <jane example.org>", false)]
    [InlineData("Jane <jane@example.org> x", false)]
    public async Task Should_take_only_a_name_and_an_address_When_the_changes_names_its_changer(string changedBy, bool good)
    {
        var outcome = await new ChangedByCheck().CheckAsync(Context(changes: Changes() with { ChangedBy = changedBy }));

        if (good)
            Assert.Empty(outcome.Rejections);
        else
            Assert.Equal($"hello_1.0-1_source.changes: Changed-By '{changedBy}' is not a name and an e-mail address (Name <address>, as dch writes it)", Single(outcome).Reason);
    }

    [Fact]
    public async Task Should_name_the_file_it_must_have_When_the_dsc_is_named_for_another_version()
    {
        var good = await new DscNameCheck().CheckAsync(Context());
        var wrong = await new DscNameCheck().CheckAsync(Context(dscFileName: "hello_9.9-9.dsc"));

        Assert.Empty(good.Rejections);
        Assert.Equal("hello_9.9-9.dsc says Source hello and Version 1.0-1, so it must be named hello_1.0-1.dsc (as dpkg-source names it)", Single(wrong).Reason);
    }
}
