using System.Security.Cryptography;
using System.Text.Json;
using Autobuilder.Database;
using Autobuilder.Grains;
using Autobuilder.Grains.Accounts;
using Autobuilder.Silo.Accounts;

namespace Autobuilder.Silo.Tests.Accounts;

/// <summary>
/// One PostgreSQL 15 server of the tests' own for the store tests; each test makes its own database
/// and applies the real schema scripts to it.
/// </summary>
public sealed class AccountPostgresFixture : IAsyncLifetime
{
    private int _databases;

    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public async Task<string> NewDatabaseAsync()
    {
        var db = await Server.CreateDatabaseAsync($"accounts_{Interlocked.Increment(ref _databases)}");
        await DatabaseSchema.ApplyAsync(db);
        return db;
    }
}

/// <summary>
/// The two stores behind the same grain code: every kind of change saved as deltas, then loaded
/// by a fresh store (a restarted garage) gives the same directory; a change that does not follow
/// the stored version is refused.
/// </summary>
public sealed class AccountStoreTests(AccountPostgresFixture postgres) : IClassFixture<AccountPostgresFixture>, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new("ab-accountstore-");

    public void Dispose() => _dir.Dispose();

    public static string SshLine(string comment)
    {
        // An ed25519 public key blob (RFC 8709): string "ssh-ed25519", string of 32 key bytes.
        var blob = new List<byte>();
        void Str(byte[] s)
        {
            blob.AddRange([(byte)(s.Length >> 24), (byte)(s.Length >> 16), (byte)(s.Length >> 8), (byte)s.Length]);
            blob.AddRange(s);
        }
        Str("ssh-ed25519"u8.ToArray());
        Str(RandomNumberGenerator.GetBytes(32));
        return $"ssh-ed25519 {Convert.ToBase64String([.. blob])} {comment}";
    }

    private static OpenPgpKeyRead Pgp(byte n, DateTimeOffset? expires = null) =>
        new(Convert.ToHexString(RandomNumberGenerator.GetBytes(20)), [$"Key {n} <k{n}@example.org>"], expires, false, [0x99, n, 0x01, 0x02]);

    /// <summary>Every kind of change, each saved as its own delta, as the grain does.</summary>
    private static async Task<(AccountBook Book, string Token)> ExerciseAsync(IAccountStore store)
    {
        var book = new AccountBook(await store.LoadAsync());
        async Task Save() => await store.SaveAsync(book.TakeChange()!);
        book.Add(new NewAccount("jane", "Jane Doe", "jane@example.org", ["maemo", "core"]), Now);
        book.Add(new NewAccount("bob", "Bob Roe", "bob@example.org", []), Now);
        await Save();
        book.AddSshKey("jane", SshLine("jane@laptop"), Now);
        book.AddSshKey("jane", SshLine("jane@desk"), Now);
        book.AddOpenPgpKey("jane", Pgp(1, Now.AddYears(1)), Now);
        var removedKey = Pgp(2);
        book.AddOpenPgpKey("jane", removedKey, Now);
        book.AddOpenPgpKey("bob", Pgp(3), Now);
        await Save();
        book.RemoveKey("jane", removedKey.Fingerprint, Now.AddDays(1));
        var token = book.AddToken("jane", "dput", Now.AddDays(90), Now);
        book.AddToken("jane", "old", null, Now);
        book.RevokeToken("jane", book.Get("jane")!.Tokens[1].Id, Now.AddDays(2));
        await Save();
        book.Grant(new UploadRight("@maemo", "extras-devel", "*"));
        book.Grant(new UploadRight("bob", "extras-devel", "fremantle"));
        book.Grant(new UploadRight("bob", "extras-devel", "fremantle", "hello"));
        book.Grant(new UploadRight("jane", "extras", "fremantle"));
        await Save();
        book.Revoke(new UploadRight("jane", "extras", "fremantle"));
        Assert.True(book.Authorize(new UploadPermissionRequest("jane", "extras-devel", "fremantle", "hello"), true, true).Allowed);
        await Save();
        book.SetEnabled("bob", false, "on leave");
        book.SetGroups("jane", ["maemo"]);
        await Save();
        book.Remove("bob", Now.AddDays(3));
        book.Add(new NewAccount("carol", "Carol", "carol@example.org", []), Now);
        await Save();
        return (book, token.Secret);
    }

    private static string Json(AccountBook book) =>
        JsonSerializer.Serialize(new { Snapshot = book.Snapshot(), Owners = book.SourceOwners.OrderBy(o => o.Key), book.Version });

    private async Task Should_load_what_was_saved(Func<IAccountStore> open)
    {
        var (book, token) = await ExerciseAsync(open());

        var reloaded = new AccountBook(await open().LoadAsync());

        Assert.Equal(Json(book), Json(reloaded));
        Assert.Equal(7, reloaded.Version);
        Assert.Equal("jane", reloaded.VerifyToken("jane", token, Now));
        Assert.Equal("jane", reloaded.SourceOwners["hello"]);
        Assert.Single(reloaded.Snapshot().FormerOpenPgpKeys);
        Assert.StartsWith("key ", reloaded.FindSigner(reloaded.Snapshot().FormerOpenPgpKeys[0].Key.Fingerprint, Now).Refusal);
        Assert.Contains("belonged to account bob", reloaded.FindSigner(reloaded.Snapshot().FormerOpenPgpKeys[0].Key.Fingerprint, Now).Refusal);

        // A change made from an older version (a second writer) is refused, and nothing of it is kept.
        var stale = new AccountBook(await open().LoadAsync());
        var other = new AccountBook(await open().LoadAsync());
        other.Add(new NewAccount("dave", "Dave", "dave@example.org", []), Now);
        await open().SaveAsync(other.TakeChange()!);
        stale.Add(new NewAccount("erin", "Erin", "erin@example.org", []), Now);
        var store = open();
        await store.LoadAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync(stale.TakeChange()!));
        Assert.Null(new AccountBook(await open().LoadAsync()).Get("erin"));
    }

    [Fact]
    public Task Should_load_what_was_saved_When_the_store_is_the_local_file() =>
        Should_load_what_was_saved(() => new FileAccountStore(_dir["state/accounts.json"]));

    [Fact]
    public async Task Should_load_what_was_saved_When_the_store_is_postgresql()
    {
        var db = await postgres.NewDatabaseAsync();
        await Should_load_what_was_saved(() => new PostgresAccountStore(db));
    }
}
