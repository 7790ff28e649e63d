using System.Security.Cryptography;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Uploaders;

/// <summary>
/// OpenPGP policy "required", rights and source ownership at intake, end to end: real gpg keys,
/// real gpgv against the keyring the real directory publishes, a real silo building with
/// dpkg-buildpackage, mail through a real SMTP server. Every refusal names the account or key, and
/// each is followed by a good upload of the same source that still builds.
/// </summary>
[Collection(UploadersCollection.Name)]
public sealed class SignedUploadTests(UploadersFixture f)
{
    private static SourcePackage Package(string name, string revision = "1", string upstream = "1.0") => new(name, UpstreamVersion: upstream, Revision: revision);

    // Settled: its files moved beside REJECTED.txt and the mail sent (the upload's reads interleave
    // with the turn that rejects it, so the state can show Rejected a moment before the move).
    private async Task<UploadDetails> RejectedAsync(string source) =>
        await Uploads.WaitAsync(f.Silo, source, d => d.Summary.State == UploadState.Rejected && d.Summary.Settled, "rejected");

    /// <summary>A good upload of <paramref name="name"/> by jane (the right, the owner): it is built.</summary>
    private async Task GoodUploadBuildsAsync(string name, string revision = "1", string? after = null, string upstream = "1.0")
    {
        SignedSource.Build(Package(name, revision, upstream), f.Scratch).Sign(f.Jane).PutInto(f.Silo.Incoming());
        var done = await Uploads.WaitAsync(f.Silo, name, d => d.Summary.Id != after && d.Summary.State is UploadState.Done or UploadState.Rejected,
            "done", TimeSpan.FromMinutes(4));
        Assert.True(done.Summary.Outcome == UploadState.Published, $"{name}: {done.Summary.State}/{done.Summary.Outcome}: {done.Summary.LastReason}");
        Assert.Equal("jane", done.Identity?.Account);
    }

    private async Task RefusedThenGoodAsync(string name, Action<SignedSource> make, params string[] reasonParts)
    {
        var upload = SignedSource.Build(Package(name), f.Scratch);
        make(upload);
        var rejected = await RejectedAsync(name);
        var reason = string.Join("; ", rejected.Problems);
        foreach (var part in reasonParts)
            Assert.Contains(part, reason);
        Assert.NotEmpty(rejected.Rejections ?? []);
        Assert.True(File.Exists(Path.Combine(rejected.Folder!, "REJECTED.txt")), $"no REJECTED.txt in {rejected.Folder}");
        await GoodUploadBuildsAsync(name, after: rejected.Summary.Id);
    }

    [Fact]
    public async Task Should_build_record_and_mail_the_account_When_a_signed_upload_comes_from_an_account_with_the_right()
    {
        SignedSource.Build(Package("sig-accepted"), f.Scratch).Sign(f.Jane).PutInto(f.Silo.Incoming());

        var done = await Uploads.WaitAsync(f.Silo, "sig-accepted", d => d.Summary.State is UploadState.Done or UploadState.Rejected, "done", TimeSpan.FromMinutes(4));
        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        Assert.Equal("jane", done.Identity?.Account);
        Assert.Equal(f.Jane.Fingerprint, done.Identity?.SignerFingerprint);
        Assert.Equal("sig-accepted_1.0-1_source.changes", done.Identity?.SignedFile);
        Assert.Equal(UploadChannel.Local, done.Origin?.Channel);

        var show = AdminCli.Run(f.Silo, "uploads", "show", done.Summary.Id).Ok().Stdout;
        Assert.Contains($"Uploader: jane (OpenPGP signature on sig-accepted_1.0-1_source.changes by key {f.Jane.Fingerprint} of account jane)", show);
        Assert.Contains($"Signer:   {f.Jane.Fingerprint}", show);
        Assert.Contains("Changed-By (unverified): Test Uploader <uploader@example.org>", show);

        // Mail goes to the account's registered address, never to the unverified Changed-By.
        var mail = await f.WaitForMailAsync(m => m.Subject?.StartsWith("sig-accepted 1.0-1 ", StringComparison.Ordinal) == true && m.Subject.EndsWith(": built", StringComparison.Ordinal));
        Assert.Contains("jane@example.org", mail.To.Mailboxes.Select(m => m.Address));
        Assert.DoesNotContain("uploader@example.org", mail.To.Mailboxes.Concat(mail.Cc.Mailboxes).Select(m => m.Address));
        Assert.Contains($"Uploader: account jane, verified by OpenPGP signature", mail.TextBody);
    }

    [Fact]
    public Task Should_refuse_When_an_upload_is_unsigned_where_signatures_are_required() =>
        RefusedThenGoodAsync("sig-unsigned", u => u.PutInto(f.Silo.Incoming()),
            "sig-unsigned_1.0-1_source.changes is not signed, but uploads to extras-devel must be (OpenPGP policy 'required')");

    [Fact]
    public async Task Should_record_the_unix_user_When_an_unsigned_upload_is_put_into_local_incoming()
    {
        SignedSource.Build(Package("sig-localuser"), f.Scratch).PutInto(f.Silo.Incoming());

        var rejected = await RejectedAsync("sig-localuser");
        // Who put the files there is the file system's word (the .dsc's owner), not the upload's.
        Assert.Equal(UploadChannel.Local, rejected.Origin?.Channel);
        Assert.Equal(Environment.UserName, rejected.Origin?.LocalUser);
        var show = AdminCli.Run(f.Silo, "uploads", "show", rejected.Summary.Id).Ok().Stdout;
        Assert.Contains($"incoming/ on the garage (local; put there by unix user {Environment.UserName})", show);
    }

    [Fact]
    public Task Should_name_the_key_When_it_is_signed_by_a_key_no_account_has() =>
        RefusedThenGoodAsync("sig-unknown", u => u.Sign(f.Stranger).PutInto(f.Silo.Incoming()),
            $"is signed by key {f.Stranger.Fingerprint[^16..]}, which no account of this autobuilder has");

    [Fact]
    public Task Should_name_the_account_When_its_account_is_disabled() =>
        RefusedThenGoodAsync("sig-disabled", u => u.Sign(f.Dora).PutInto(f.Silo.Incoming()),
            $"key {f.Dora.Fingerprint} belongs to account dora, which is disabled: left the project");

    [Fact]
    public Task Should_name_the_account_When_its_key_was_removed() =>
        RefusedThenGoodAsync("sig-removed", u => u.Sign(f.Remy).PutInto(f.Silo.Incoming()),
            $"key {f.Remy.Fingerprint} of account remy was removed on");

    [Fact]
    public Task Should_name_the_account_When_its_key_has_expired() =>
        RefusedThenGoodAsync("sig-expired", u => u.Sign(f.Ezra).PutInto(f.Silo.Incoming()),
            $"key {f.Ezra.Fingerprint} of account ezra expired on");

    [Fact]
    public Task Should_refuse_When_the_signature_is_older_than_the_window() =>
        RefusedThenGoodAsync("sig-old", u => u.Sign(f.Olga, DateTimeOffset.UtcNow.AddDays(-8)).PutInto(f.Silo.Incoming()),
            $"by key {f.Olga.Fingerprint} was made on", "more than 7 days ago");

    [Fact]
    public Task Should_name_the_account_and_the_grant_When_a_good_signature_has_no_right() =>
        RefusedThenGoodAsync("sig-noright", u => u.Sign(f.Bob).PutInto(f.Silo.Incoming()),
            "account bob may not upload to extras-devel/bookworm", "`autobuilder accounts grant bob extras-devel bookworm`");

    [Fact]
    public async Task Should_refuse_another_accounts_source_When_ownership_is_on()
    {
        await GoodUploadBuildsAsync("sig-owned");

        SignedSource.Build(Package("sig-owned", "2"), f.Scratch).Sign(f.Carol).PutInto(f.Silo.Incoming());
        var rejected = await Uploads.WaitAsync(f.Silo, "sig-owned", d => d.Summary.Version == "1.0-2" && d.Summary.State == UploadState.Rejected, "rejected");

        Assert.Contains("source sig-owned belongs to account jane (its first uploader); account carol may upload it", string.Join("; ", rejected.Problems));
        // A new upstream version: the test's orig tarball holds the full version, so a second revision
        // of 1.0 would bring an orig tarball the archive already holds with other bytes (rejected, as dak does).
        await GoodUploadBuildsAsync("sig-owned", "1", after: rejected.Summary.Id, upstream: "1.1");
    }

    [Fact]
    public Task Should_refuse_a_signed_dsc_When_its_text_was_changed_after_signing() =>
        // The opening example: this was built and published before.
        RefusedThenGoodAsync("sig-tampered", u =>
        {
            u.Sign(f.Jane, changes: false);
            File.WriteAllText(u.Dsc, File.ReadAllText(u.Dsc).Replace("Standards-Version: 4.6.2", "Standards-Version: 4.7.0", StringComparison.Ordinal));
            File.Delete(u.Changes);
            u.PutInto(f.Silo.Incoming(), withChanges: false);
        }, "the OpenPGP signature of sig-tampered_1.0-1.dsc", "is bad: sig-tampered_1.0-1.dsc was changed after it was signed");

    [Fact]
    public Task Should_refuse_When_the_changes_names_a_different_dsc() =>
        RefusedThenGoodAsync("sig-otherdsc", u =>
        {
            var other = SignedSource.Build(Package("sig-otherdsc", "0"), f.Scratch);
            File.Copy(other.Changes, u.Changes, overwrite: true);
            u.Sign(f.Jane, dsc: false).PutInto(f.Silo.Incoming());
        }, "sig-otherdsc_1.0-1_source.changes does not name sig-otherdsc_1.0-1.dsc in its Files (it names sig-otherdsc_1.0-0.dsc)");

    [Fact]
    public Task Should_refuse_When_a_checksum_in_the_changes_is_wrong() =>
        RefusedThenGoodAsync("sig-badsum", u =>
        {
            var orig = Directory.EnumerateFiles(u.Folder, "*.orig.tar.gz").Single();
            var sum = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(orig)));
            u.EditChanges(t => t.Replace(sum, new string('0', 64), StringComparison.Ordinal)).Sign(f.Jane).PutInto(f.Silo.Incoming());
        }, "sig-badsum_1.0-1_source.changes: sig-badsum_1.0.orig.tar.gz: checksum mismatch in Checksums-Sha256");

    [Fact]
    public async Task Should_take_and_record_the_area_When_a_signed_upload_is_written_in_place_into_an_ssh_area()
    {
        // The drop helper makes <root>/<login>/<product>/; sftp writes each file in place, the .changes last.
        SignedSource.Build(Package("sig-ssh"), f.Scratch).Sign(f.Jane).WriteInPlace(Path.Combine(f.DropRoot, "jane", "bookworm"));

        var done = await Uploads.WaitAsync(f.Silo, "sig-ssh", d => d.Summary.State is UploadState.Done or UploadState.Rejected, "done", TimeSpan.FromMinutes(4));

        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        Assert.Equal(new UploadOrigin(UploadChannel.Ssh, "jane"), done.Origin);
        Assert.Equal("sig-ssh_1.0-1_source.changes", done.ChangesFileName);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(f.DropRoot, "jane", "bookworm")));
        Assert.Contains("Origin:   SSH upload area of jane", AdminCli.Run(f.Silo, "uploads", "show", done.Summary.Id).Ok().Stdout);
    }

    [Fact]
    public async Task Should_refuse_an_unsigned_upload_When_it_comes_through_an_ssh_area_where_signatures_are_required()
    {
        SignedSource.Build(Package("sig-ssh-unsigned"), f.Scratch).WriteInPlace(Path.Combine(f.DropRoot, "carol", "bookworm"));

        var rejected = await RejectedAsync("sig-ssh-unsigned");

        Assert.Contains("is not signed, but uploads to extras-devel must be", string.Join("; ", rejected.Problems));
        Assert.Equal(new UploadOrigin(UploadChannel.Ssh, "carol"), rejected.Origin);
        await GoodUploadBuildsAsync("sig-ssh-unsigned", after: rejected.Summary.Id);
    }

    [Fact]
    public async Task Should_follow_no_link_When_an_area_or_its_product_folder_is_a_link()
    {
        // An upload lying outside the areas, reachable only through links put where folders should be.
        var outside = Path.Combine(f.Scratch, "outside-" + Guid.NewGuid().ToString("N")[..8]);
        SignedSource.Build(Package("sig-linked"), f.Scratch).Sign(f.Jane).PutInto(Path.Combine(outside, "bookworm"));
        File.CreateSymbolicLink(Path.Combine(f.DropRoot, "mallory"), outside);
        Directory.CreateDirectory(Path.Combine(f.DropRoot, "carol"));
        File.CreateSymbolicLink(Path.Combine(f.DropRoot, "carol", "bookworm-linked"), Path.Combine(outside, "bookworm"));

        // A good upload through a real area afterwards: by the time it is done, the scan has passed the links many times.
        SignedSource.Build(Package("sig-after-links"), f.Scratch).Sign(f.Jane).WriteInPlace(Path.Combine(f.DropRoot, "jane", "bookworm"));
        await Uploads.WaitAsync(f.Silo, "sig-after-links", d => d.Summary.State is UploadState.Done or UploadState.Rejected, "done", TimeSpan.FromMinutes(4));

        var all = await f.Silo.Grains.GetGrain<IUploadRegistryGrain>("bookworm").ListAsync(500);
        var other = await f.Silo.Grains.GetGrain<IUploadRegistryGrain>("bookworm-linked").ListAsync(500);
        Assert.DoesNotContain(all, u => u.Source == "sig-linked");
        Assert.Empty(other);
        Assert.True(File.Exists(Path.Combine(outside, "bookworm", "sig-linked_1.0-1.dsc")), "a file behind a link was taken");
    }
}
