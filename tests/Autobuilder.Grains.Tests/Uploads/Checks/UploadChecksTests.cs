using Autobuilder.Debian.Checksums;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Grains.Tests.Doubles;
using Autobuilder.Grains.Uploads.Checks;

namespace Autobuilder.Grains.Tests.Uploads.Checks;

/// <summary>Each upload check on its own, with the reason an uploader reads; and the list's order.</summary>
public sealed class UploadChecksTests
{
    private const string Fpr = "0123456789ABCDEF0123456789ABCDEF01234567";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeAccountDirectory _directory = new();

    private UploadCheckContext Context(UploadSignature? signature = null, UploadChangesFacts? changes = null, string policy = "required",
        bool rights = false, bool ownership = false, UploadOrigin? origin = null) => new()
    {
        UploadId = "bookworm/hello_1.0-1/1",
        Product = "bookworm",
        Repository = "extras-devel",
        Source = "hello",
        Version = "1.0-1",
        DscFileName = "hello_1.0-1.dsc",
        Inspection = new UploadInspection("hello", "1.0-1", "any", "Jane <jane@example.org>", ["hello_1.0.orig.tar.gz"], [], Signature: signature, Changes: changes),
        Origin = origin ?? new UploadOrigin(UploadChannel.Local, null),
        Options = new UploadersOptions { Signatures = policy, RequireRights = rights, SourceOwnership = ownership },
        Now = Now,
        Directory = _directory,
    };

    private static UploadSignature Good(DateTimeOffset? at = null) =>
        new("hello_1.0-1_source.changes", SignatureOutcome.Good, Fpr, Fpr[^16..], at ?? Now.AddHours(-1), "");

    private static readonly ChecksumSet DscSums = new(100, "m", "s1", "s256");

    private static UploadChangesFacts Changes(string dscName = "hello_1.0-1.dsc", string source = "hello", string version = "1.0-1",
        string arch = "source", string? sha256 = null) =>
        new("hello_1.0-1_source.changes", source, version, arch.Split(' '),
            [new FileEntry(dscName, 100, "m", "s1", sha256 ?? "s256")],
            new Dictionary<string, ChecksumSet> { ["hello_1.0-1.dsc"] = DscSums }, "Jane <jane@example.org>");

    [Fact]
    public async Task Should_refuse_naming_the_file_When_the_changes_names_another_dsc()
    {
        var r = await new ChangesNamesDscCheck().CheckAsync(Context(changes: Changes(dscName: "hello_1.0-2.dsc")));

        Assert.NotNull(r);
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
        var r = await new ChangesMatchesDscCheck().CheckAsync(Context(changes: Changes(source: source, version: version, arch: arch)));

        Assert.Equal((field, reason), (r?.Field, r?.Reason));
    }

    [Fact]
    public async Task Should_refuse_with_expected_and_found_When_a_sum_in_the_changes_is_wrong()
    {
        var r = await new ChangesChecksumsCheck().CheckAsync(Context(changes: Changes(sha256: "bad")));

        Assert.NotNull(r);
        Assert.Equal(("hello_1.0-1.dsc", "bad", "s256"), (r.File, r.Expected, r.Found));
        Assert.Equal("hello_1.0-1_source.changes: hello_1.0-1.dsc: checksum mismatch in Checksums-Sha256: expected bad, got s256 (the file changed after the upload was signed, or was damaged in transfer)", r.Reason);
    }

    [Fact]
    public async Task Should_pass_When_the_changes_agrees_with_the_files()
    {
        var context = Context(changes: Changes());
        foreach (var check in new UploadCheck[] { new ChangesNamesDscCheck(), new ChangesMatchesDscCheck(), new ChangesChecksumsCheck() })
            Assert.Null(await check.CheckAsync(context));
    }

    [Theory]
    [InlineData("required", true)]
    [InlineData("optional", false)]
    [InlineData("none", false)]
    [InlineData("requierd", true)]
    public async Task Should_refuse_unsigned_uploads_only_When_the_policy_requires_signatures(string policy, bool refused)
    {
        var r = await new SignaturePresentCheck().CheckAsync(Context(policy: policy));

        Assert.Equal(refused, r is not null);
        if (refused)
            Assert.Equal("hello_1.0-1.dsc is not signed, but uploads to extras-devel must be (OpenPGP policy 'required'): sign it with debsign, or with `autobuilder upload --sign`, using a key registered with your account", r!.Reason);
    }

    [Theory]
    [InlineData("required")]
    [InlineData("optional")]
    [InlineData("none")]
    public async Task Should_refuse_a_bad_signature_When_any_policy_is_in_force(string policy)
    {
        var bad = new UploadSignature("hello_1.0-1.dsc", SignatureOutcome.Bad, null, "89ABCDEF01234567", null, "hello_1.0-1.dsc was changed after it was signed (gpgv: BAD signature)");

        var r = await new SignatureValidCheck().CheckAsync(Context(bad, policy: policy));

        Assert.Equal("the OpenPGP signature of hello_1.0-1.dsc (key 89ABCDEF01234567) is bad: hello_1.0-1.dsc was changed after it was signed (gpgv: BAD signature)", r?.Reason);
    }

    [Fact]
    public async Task Should_name_the_key_When_no_account_has_it()
    {
        var unknown = new UploadSignature("hello_1.0-1.dsc", SignatureOutcome.UnknownKey, null, "89ABCDEF01234567", null, "");

        var refused = await new SignatureValidCheck().CheckAsync(Context(unknown, policy: "optional"));
        var context = Context(unknown, policy: "none");
        var underNone = await new SignatureValidCheck().CheckAsync(context);

        Assert.Equal("hello_1.0-1.dsc is signed by key 89ABCDEF01234567, which no account of this autobuilder has: an operator of this autobuilder can add it to your account with `autobuilder accounts key add LOGIN --openpgp FILE`", refused?.Reason);
        Assert.Null(underNone);
        Assert.Contains("not verified", context.How);
    }

    [Fact]
    public async Task Should_refuse_a_signature_older_than_the_window_When_it_was_replayed()
    {
        var r = await new SignatureTimeCheck().CheckAsync(Context(Good(Now.AddDays(-8))));

        Assert.Equal($"the signature of hello_1.0-1_source.changes by key {Fpr} was made on 2026-11-24 12:00:00Z, more than 7 days ago (Autobuilder:Uploaders:SignatureMaxAgeDays; an old signed upload is not taken again): sign it again and upload", r?.Reason);
    }

    [Fact]
    public async Task Should_refuse_a_signature_from_the_future_When_it_is_beyond_the_window()
    {
        var late = await new SignatureTimeCheck().CheckAsync(Context(Good(Now.AddDays(2))));
        var fine = await new SignatureTimeCheck().CheckAsync(Context(Good(Now.AddHours(20))));

        Assert.Equal($"the signature of hello_1.0-1_source.changes by key {Fpr} is dated 2026-12-04 12:00:00Z, more than 1 days in the future (Autobuilder:Uploaders:SignatureMaxFutureDays): check your computer's clock and sign again", late?.Reason);
        Assert.Null(fine);
    }

    [Fact]
    public async Task Should_take_the_directorys_reason_When_the_signer_may_not_sign()
    {
        _directory.Signers[Fpr] = new SignerLookup(null, null, "account jane is disabled: left the project");

        var r = await new SignerAccountCheck().CheckAsync(Context(Good()));

        Assert.Equal($"hello_1.0-1_source.changes is signed by key {Fpr}, which may not sign uploads: account jane is disabled: left the project", r?.Reason);
        Assert.Equal([$"signer {Fpr} at 2026-12-02 11:00:00Z"], _directory.Asked);
    }

    [Fact]
    public async Task Should_make_the_signer_the_uploader_When_the_directory_knows_the_key()
    {
        _directory.Signers[Fpr] = new SignerLookup("jane", "jane@example.org", null);
        var context = Context(Good(), origin: new UploadOrigin(UploadChannel.Ssh, "bob"));

        Assert.Null(await new SignerAccountCheck().CheckAsync(context));
        Assert.Null(await new UploaderAccountCheck().CheckAsync(context));

        Assert.Equal("jane", context.Account);
        Assert.Equal(Fpr, context.Identity.SignerFingerprint);
        Assert.StartsWith($"OpenPGP signature on hello_1.0-1_source.changes by key {Fpr} of account jane", context.How);
    }

    [Fact]
    public async Task Should_take_the_areas_account_When_an_unsigned_upload_came_through_ssh()
    {
        var context = Context(policy: "optional", rights: true, origin: new UploadOrigin(UploadChannel.Ssh, "bob"));

        Assert.Null(await new UploaderAccountCheck().CheckAsync(context));

        Assert.Equal("bob", context.Account);
        Assert.Equal("unsigned; came through the SSH upload area (key login) of account bob", context.How);
    }

    [Fact]
    public async Task Should_name_the_unix_user_When_an_unsigned_upload_was_put_into_local_incoming()
    {
        var context = Context(policy: "none", rights: false, origin: new UploadOrigin(UploadChannel.Local, null, "operator1"));

        Assert.Null(await new UploaderAccountCheck().CheckAsync(context));

        Assert.Null(context.Account);
        Assert.Equal("unsigned; put into incoming/ on the garage by unix user operator1 (an operator's copy): no account", context.How);
    }

    [Fact]
    public async Task Should_refuse_an_upload_without_account_When_rights_are_required()
    {
        var r = await new UploaderAccountCheck().CheckAsync(Context(policy: "none", rights: true));

        Assert.Equal("uploads to extras-devel/bookworm need an account with the right to upload (Autobuilder:Uploaders:RequireRights), but this one has none (unsigned; put into incoming/ on the garage (an operator's copy): no account): sign it with a key registered with your account, or upload through your own upload area", r?.Reason);
    }

    [Fact]
    public async Task Should_refuse_an_upload_without_account_When_source_ownership_is_on()
    {
        var r = await new SourceOwnershipCheck().CheckAsync(Context(policy: "none", ownership: true));

        Assert.Equal("source ownership is on (Autobuilder:Uploaders:SourceOwnership), so an upload of hello must come from an account, but this one has none (not verified): sign it with a key registered with your account", r?.Reason);
    }

    [Fact]
    public async Task Should_name_the_account_and_the_grant_When_the_right_is_missing()
    {
        var context = Context(rights: true);
        context.Account = "jane";

        var refused = await new UploadRightCheck().CheckAsync(context);
        _directory.Rights.Add(("jane", "extras-devel", "bookworm"));
        var allowed = await new UploadRightCheck().CheckAsync(context);

        Assert.Equal("account jane may not upload to extras-devel/bookworm: an operator can grant it with `autobuilder accounts grant jane extras-devel bookworm`", refused?.Reason);
        Assert.Equal(("upload-right", "jane"), (refused?.Check, refused?.Found));
        Assert.Null(allowed);
    }

    [Fact]
    public async Task Should_not_ask_the_directory_When_rights_and_ownership_are_off()
    {
        var context = Context(policy: "none");
        context.Account = "jane";

        Assert.Null(await new UploadRightCheck().CheckAsync(context));
        Assert.Empty(_directory.Asked);
    }

    [Fact]
    public async Task Should_stop_at_the_first_refusal_When_the_list_runs_cheapest_first()
    {
        _directory.Signers[Fpr] = new SignerLookup("jane", "jane@example.org", null);

        var old = await UploadChecks.RunAsync(Context(Good(Now.AddDays(-30)), rights: true));
        var ok = Context(Good(), rights: true);
        _directory.Rights.Add(("jane", "extras-devel", "bookworm"));
        var passed = await UploadChecks.RunAsync(ok);

        Assert.Equal("signature-time", old?.Check);
        Assert.Null(passed);
        Assert.Equal("jane", ok.Account);
        Assert.Equal(["ChangesNamesDscCheck", "ChangesMatchesDscCheck", "ChangesChecksumsCheck", "SignaturePresentCheck", "SignatureValidCheck",
            "SignatureTimeCheck", "SignerAccountCheck", "UploaderAccountCheck", "SourceOwnershipCheck", "UploadRightCheck"],
            UploadChecks.All.Select(c => c.GetType().Name));
    }
}
