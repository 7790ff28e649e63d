using Autobuilder.Grains.Accounts;

namespace Autobuilder.Grains.Tests.Accounts;

/// <summary>The directory's rules and the words of its answers: rights, ownership, signers, tokens, import.</summary>
public sealed class AccountBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private const string JaneKey = "0123456789ABCDEF0123456789ABCDEF01234567";
    private const string BobKey = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";

    private static AccountBook Book()
    {
        var book = new AccountBook(AccountStoreContents.Empty);
        book.Add(new NewAccount("jane", "Jane Doe", "jane@example.org", ["maemo"]), Now);
        book.Add(new NewAccount("bob", "Bob Roe", "bob@example.org", []), Now);
        return book;
    }

    private static OpenPgpKeyRead Key(string fingerprint, DateTimeOffset? expires = null) =>
        new(fingerprint, ["Someone <someone@example.org>"], expires, false, [0x99, 0x00, 0x01]);

    private static UploadPermissionRequest Upload(string login, string source = "hello") => new(login, "extras-devel", "fremantle", source);

    [Fact]
    public void Should_refuse_naming_the_account_the_right_and_the_command_When_the_account_has_no_right()
    {
        var book = Book();

        var answer = book.Authorize(Upload("jane"), requireRights: true, sourceOwnership: false);

        Assert.False(answer.Allowed);
        Assert.Equal("account jane may not upload to extras-devel/fremantle: an operator can grant it with " +
            "`autobuilder accounts grant jane extras-devel fremantle`", answer.Refusal);
    }

    [Fact]
    public void Should_allow_When_a_right_of_the_account_or_of_its_group_matches_with_wildcards()
    {
        var book = Book();
        book.Grant(new UploadRight("@maemo", "extras-devel", "*"));
        book.Grant(new UploadRight("bob", "*", "fremantle"));

        Assert.True(book.Authorize(Upload("jane"), true, false).Allowed);
        Assert.True(book.Authorize(Upload("bob"), true, false).Allowed);
        Assert.False(book.Authorize(new UploadPermissionRequest("bob", "extras-devel", "diablo", "hello"), true, false).Allowed);
        Assert.False(book.Authorize(new UploadPermissionRequest("jane", "extras", "fremantle", "hello"), true, false).Allowed);
    }

    [Fact]
    public void Should_refuse_with_the_way_out_When_the_account_is_disabled_or_unknown()
    {
        var book = Book();
        book.Grant(new UploadRight("jane", "*", "*"));
        book.SetEnabled("jane", false, "left the project");

        var disabled = book.Authorize(Upload("jane"), true, false);
        var unknown = book.Authorize(Upload("carol"), true, false);

        Assert.Equal("account jane is disabled (left the project): an operator can enable it with `autobuilder accounts enable jane`", disabled.Refusal);
        Assert.StartsWith("there is no account carol: an operator can add it with `autobuilder accounts add carol", unknown.Refusal);
        Assert.True(book.Authorize(Upload("carol"), requireRights: false, sourceOwnership: false).Allowed);
    }

    [Fact]
    public void Should_give_a_source_to_its_first_uploader_and_refuse_others_until_granted_that_source()
    {
        var book = Book();
        book.Grant(new UploadRight("@maemo", "extras-devel", "fremantle"));
        book.Grant(new UploadRight("bob", "extras-devel", "fremantle"));

        Assert.True(book.Authorize(Upload("jane"), true, sourceOwnership: true).Allowed);
        Assert.NotNull(book.TakeChange()!.NewOwners.GetValueOrDefault("hello"));
        var refused = book.Authorize(Upload("bob"), true, sourceOwnership: true);
        Assert.Equal("source hello belongs to account jane (its first uploader); account bob may upload it to extras-devel/fremantle " +
            "only with a grant for that source: an operator can grant it with " +
            "`autobuilder accounts grant bob extras-devel fremantle --source hello`", refused.Refusal);
        Assert.True(book.Authorize(Upload("bob", "other"), true, true).Allowed);

        book.Grant(new UploadRight("bob", "extras-devel", "fremantle", "hello"));
        Assert.True(book.Authorize(Upload("bob"), true, true).Allowed);
        Assert.Equal("jane", book.SourceOwners["hello"]);
    }

    [Fact]
    public void Should_name_the_key_the_account_and_the_reason_When_a_signer_may_not_sign()
    {
        var book = Book();
        book.AddOpenPgpKey("jane", Key(JaneKey, Now.AddDays(30)), Now);
        book.AddOpenPgpKey("bob", Key(BobKey), Now);

        var good = book.FindSigner(JaneKey.ToLowerInvariant(), Now.AddDays(1));
        Assert.Equal(("jane", "jane@example.org", (string?)null), (good.Login, good.Email, good.Refusal));

        var expired = book.FindSigner(JaneKey, Now.AddDays(31));
        Assert.StartsWith($"key {JaneKey} of account jane expired on 2026-12-31 (the signature was made on 2027-01-01 12:00:00 UTC)", expired.Refusal);
        Assert.Null(expired.Login);

        book.SetEnabled("bob", false, "compromised laptop");
        Assert.Equal($"key {BobKey} belongs to account bob, which is disabled: compromised laptop", book.FindSigner(BobKey, Now).Refusal);

        book.RemoveKey("jane", JaneKey, Now.AddDays(2));
        Assert.Equal($"key {JaneKey} of account jane was removed on 2026-12-03", book.FindSigner(JaneKey, Now.AddDays(1)).Refusal);

        book.Remove("bob", Now.AddDays(3));
        Assert.Equal($"key {BobKey} belonged to account bob, which was removed on 2026-12-04", book.FindSigner(BobKey, Now).Refusal);
        Assert.Contains(book.Snapshot().FormerOpenPgpKeys, f => f.Key.Fingerprint == BobKey && f.Login == "bob");

        Assert.StartsWith("no account has key FEDCBA", book.FindSigner("FEDCBA9876543210FEDCBA9876543210FEDCBA98", Now).Refusal);
    }

    [Fact]
    public void Should_keep_one_key_to_one_account()
    {
        var book = Book();
        book.AddOpenPgpKey("jane", Key(JaneKey), Now);

        var taken = Assert.Throws<ArgumentException>(() => book.AddOpenPgpKey("bob", Key(JaneKey), Now));

        Assert.Equal($"OpenPGP key {JaneKey} belongs to account jane: one key signs for one account only", taken.Message);
        Assert.False(book.AddOpenPgpKey("jane", Key(JaneKey), Now).Changed);
        Assert.True(book.AddOpenPgpKey("jane", Key(JaneKey, Now.AddYears(1)), Now).Changed);
    }

    [Fact]
    public void Should_verify_a_token_only_while_it_is_current_and_its_account_enabled()
    {
        var book = Book();
        var token = book.AddToken("jane", "dput", Now.AddDays(10), Now);
        var other = book.AddToken("bob", "", null, Now);

        Assert.Equal("jane", book.VerifyToken("jane", token.Secret, Now));
        Assert.Null(book.VerifyToken("bob", token.Secret, Now));
        Assert.Null(book.VerifyToken("jane", other.Secret, Now));
        Assert.Null(book.VerifyToken("jane", token.Secret, Now.AddDays(11)));
        Assert.Null(book.VerifyToken("jane", "abt." + token.Info.Id + "." + new string('A', 43), Now));

        book.SetEnabled("jane", false, "");
        Assert.Null(book.VerifyToken("jane", token.Secret, Now));
        book.SetEnabled("jane", true, "");
        book.RevokeToken("jane", token.Info.Id, Now);
        Assert.Null(book.VerifyToken("jane", token.Secret, Now));
        Assert.Equal("bob", book.VerifyToken("bob", other.Secret, Now));
    }

    [Fact]
    public void Should_answer_a_change_as_one_delta_with_the_next_version()
    {
        var book = new AccountBook(AccountStoreContents.Empty);
        book.Add(new NewAccount("jane", "Jane Doe", "jane@example.org", []), Now);
        book.Grant(new UploadRight("jane", "extras-devel", "*"));

        var change = book.TakeChange()!;

        Assert.Equal(1, change.Version);
        Assert.Equal("jane", Assert.Single(change.Upserted).Details.Login);
        Assert.Single(change.Granted);
        Assert.Null(book.TakeChange());
        Assert.Throws<ArgumentException>(() => book.Add(new NewAccount("Jane", "x", "j@example.org", []), Now));
        Assert.Throws<ArgumentException>(() => book.Add(new NewAccount("carol", "Carol", "not-an-address", []), Now));
        Assert.Throws<ArgumentException>(() => book.Grant(new UploadRight("nobody", "extras-devel", "*")));
        Assert.Null(book.TakeChange());
    }

    [Fact]
    public void Should_report_added_updated_unchanged_and_skipped_When_importing_twice()
    {
        var book = new AccountBook(AccountStoreContents.Empty);
        var import = new AccountImport(
        [
            new ImportedAccount("jane", "Jane Doe", "jane@example.org", true, ["maemo"], [], []),
            new ImportedAccount("Bad Login", "X", "x@example.org", true, [], [], []),
            new ImportedAccount("bob", "Bob", "bob@example.org", false, [], ["command=\"sh\" ssh-ed25519 AAAA"], []),
        ], [new UploadRight("@maemo", "extras-devel", "*"), new UploadRight("@maemo", "no such/repo", "*")]);

        var first = book.Import(import, new Dictionary<string, OpenPgpKeyRead>(), new Dictionary<string, string>(), Now);
        var second = book.Import(import, new Dictionary<string, OpenPgpKeyRead>(), new Dictionary<string, string>(), Now);
        var changed = book.Import(import with { Accounts = [import.Accounts[0] with { Email = "jane@new.example.org" }] },
            new Dictionary<string, OpenPgpKeyRead>(), new Dictionary<string, string>(), Now);

        Assert.Equal((3, 0, 0, 3), (first.Added, first.Updated, first.Unchanged, first.Skipped));
        Assert.Contains(first.Lines, l => l.Subject == "bob SSH key 1" && l.Outcome == "skipped" && l.Reason.Contains("options"));
        Assert.Contains(first.Lines, l => l.Subject == "Bad Login" && l.Reason.Contains("not a valid login"));
        Assert.Equal((0, 0, 3, 3), (second.Added, second.Updated, second.Unchanged, second.Skipped));
        Assert.Equal((0, 1, 1, 1), (changed.Added, changed.Updated, changed.Unchanged, changed.Skipped));
        Assert.False(book.Get("bob")!.Enabled);
        Assert.True(book.Authorize(Upload("jane"), true, false).Allowed);
    }
}
