using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Accounts;

/// <summary>
/// The account directory's one activation (key 0), on the garage. It loads the whole directory
/// from its store at activation (10,000 accounts are a few MiB), decides in memory
/// (<see cref="AccountBook"/>), saves each change as a delta before it answers, and then
/// publishes the directory to the silo's files (keyring, SSH key index, authorized_keys). Not
/// reentrant: a check and its change never interleave with another call's. A failed save
/// deactivates the grain, so the next call reloads what the store really holds.
/// </summary>
[RolePlacement(SiloRoles.Garage)]
public sealed partial class AccountDirectoryGrain(
    IAccountStore store,
    IAccountPublisher publisher,
    IOpenPgpKeyReader openPgp,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<AccountDirectoryGrain> logger) : Grain, IAccountDirectoryGrain
{
    private AccountBook _book = new(AccountStoreContents.Empty);
    private long _published = -1;

    private UploadersOptions Uploaders => options.Value.Uploaders;

    private DateTimeOffset Now => time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _book = new AccountBook(await store.LoadAsync(cancellationToken));
        var every = TimeSpan.FromMinutes(Math.Max(0.05, Uploaders.Drop.SyncMinutes));
        // The seed's cron synced every 10 minutes; here it also repairs a file someone changed or a failed publish.
        this.RegisterGrainTimer(_ => PublishAsync(force: true), new GrainTimerCreationOptions(every, every) { Interleave = false });
        LogLoaded(logger, _book.Count, _book.Version);
    }

    Task<IReadOnlyList<AccountSummary>> IAccountDirectoryGrain.ListAsync() => Task.FromResult(_book.List());

    Task<AccountDetails?> IAccountDirectoryGrain.GetAsync(string login) => Task.FromResult(_book.Get(login));

    Task<string?> IAccountDirectoryGrain.GetSourceOwnerAsync(string source) => Task.FromResult(_book.SourceOwners.GetValueOrDefault(source));

    Task<AccountChange> IAccountDirectoryGrain.AddAsync(NewAccount account) => ChangeAsync(() => _book.Add(account, Now));

    Task<AccountChange> IAccountDirectoryGrain.SetEnabledAsync(string login, bool enabled, string reason) =>
        ChangeAsync(() => _book.SetEnabled(login, enabled, reason));

    Task<AccountChange> IAccountDirectoryGrain.RemoveAsync(string login) => ChangeAsync(() => _book.Remove(login, Now));

    Task<AccountChange> IAccountDirectoryGrain.SetGroupsAsync(string login, IReadOnlyList<string> groups) =>
        ChangeAsync(() => _book.SetGroups(login, groups));

    Task<AccountChange> IAccountDirectoryGrain.AddSshKeyAsync(string login, string publicKeyLine) =>
        ChangeAsync(() => _book.AddSshKey(login, publicKeyLine, Now));

    async Task<AccountChange> IAccountDirectoryGrain.AddOpenPgpKeyAsync(string login, byte[] key)
    {
        // Checked before gpg runs, so a typo in the login costs no process.
        if (_book.Get(login) is null)
            throw new ArgumentException($"there is no account {login} (list them with: autobuilder accounts list)");
        var read = await openPgp.ReadAsync(key);
        return await ChangeAsync(() => _book.AddOpenPgpKey(login, read, Now));
    }

    Task<AccountChange> IAccountDirectoryGrain.RemoveKeyAsync(string login, string fingerprint) =>
        ChangeAsync(() => _book.RemoveKey(login, fingerprint, Now));

    Task<AccountChange> IAccountDirectoryGrain.GrantAsync(UploadRight right) => ChangeAsync(() => _book.Grant(right));

    Task<AccountChange> IAccountDirectoryGrain.RevokeAsync(UploadRight right) => ChangeAsync(() => _book.Revoke(right));

    async Task<NewAccessToken> IAccountDirectoryGrain.AddTokenAsync(string login, string note, DateTimeOffset? expires)
    {
        NewAccessToken? token = null;
        await ChangeAsync(() =>
        {
            token = _book.AddToken(login, note, expires, Now);
            return new AccountChange(true, $"token {token.Info.Id} added to account {login}");
        });
        return token!;
    }

    Task<AccountChange> IAccountDirectoryGrain.RevokeTokenAsync(string login, string tokenId) =>
        ChangeAsync(() => _book.RevokeToken(login, tokenId, Now));

    async Task<AccountChange> IAccountDirectoryGrain.SyncAsync()
    {
        var started = time.GetTimestamp();
        await PublishAsync(force: true);
        return new AccountChange(true, $"published version {_book.Version}: {_book.Count} account(s) in {time.GetElapsedTime(started).TotalMilliseconds:0} ms");
    }

    async Task<ImportReport> IAccountDirectoryGrain.ImportAsync(AccountImport import)
    {
        // gpg reads the OpenPGP keys first (a process each, outside the book); one save and one publish for all.
        var reads = new Dictionary<string, OpenPgpKeyRead>(StringComparer.Ordinal);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in import.Accounts.SelectMany(a => a.OpenPgpKeys ?? []).Distinct(StringComparer.Ordinal))
        {
            try
            {
                reads[key] = await openPgp.ReadAsync(System.Text.Encoding.UTF8.GetBytes(key));
            }
            catch (ArgumentException ex)
            {
                problems[key] = ex.Message;
            }
        }
        ImportReport? report = null;
        await ChangeAsync(() =>
        {
            report = _book.Import(import, reads, problems, Now);
            return new AccountChange(report.Added + report.Updated > 0, "imported");
        });
        LogImported(logger, report!.Added, report.Updated, report.Unchanged, report.Skipped);
        return report;
    }

    Task<IReadOnlyList<AccountGroup>> IAccountDirectoryGrain.GroupsAsync() => Task.FromResult(_book.Groups());

    Task<SignerLookup> IAccountDirectoryGrain.FindSignerAsync(string primaryFingerprint, DateTimeOffset signedAt) =>
        Task.FromResult(_book.FindSigner(primaryFingerprint, signedAt));

    async Task<UploadPermission> IAccountDirectoryGrain.AuthorizeUploadAsync(UploadPermissionRequest request)
    {
        var answer = _book.Authorize(request, Uploaders.RequireRights, Uploaders.SourceOwnership);
        // A new owner must be durable before the upload that made it is accepted.
        if (_book.HasPendingChange)
            await SaveAsync();
        if (!answer.Allowed)
            LogRefused(logger, request.Login, request.Repository, request.Product, request.Source);
        return answer;
    }

    Task<string?> IAccountDirectoryGrain.VerifyTokenAsync(string login, string token) => Task.FromResult(_book.VerifyToken(login, token, Now));

    Task<string?> IAccountDirectoryGrain.GetEmailAsync(string login) => Task.FromResult(_book.GetEmail(login));

    Task<DropAccess> IAccountDirectoryGrain.GetDropAccessAsync() => Task.FromResult(_book.Snapshot().ForDropHost(options.Value.Products));

    /// <summary>Runs one change, saves it, publishes, answers. A change that changed nothing saves nothing.</summary>
    private async Task<AccountChange> ChangeAsync(Func<AccountChange> change)
    {
        AccountChange answer;
        try
        {
            answer = change();
        }
        catch
        {
            // A rule refused part-way: nothing of it may stay in memory unsaved.
            if (_book.HasPendingChange)
                DeactivateOnIdle();
            throw;
        }
        if (_book.HasPendingChange)
        {
            await SaveAsync();
            await PublishAsync(force: false);
        }
        return answer;
    }

    private async Task SaveAsync()
    {
        var delta = _book.TakeChange();
        if (delta is null)
            return;
        try
        {
            await store.SaveAsync(delta);
        }
        catch (Exception ex)
        {
            LogSaveFailed(logger, ex, delta.Version);
            // Memory is ahead of the store now: the next activation reads what was really kept.
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task PublishAsync(bool force)
    {
        if (!force && _published == _book.Version)
            return;
        try
        {
            await publisher.PublishAsync(_book.Snapshot());
            _published = _book.Version;
        }
        catch (Exception ex)
        {
            // The change is durable; the files are repaired by the timer or 'accounts sync'.
            LogPublishFailed(logger, ex, _book.Version);
            if (force)
                throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account directory loaded: {Accounts} account(s), version {Version}")]
    private static partial void LogLoaded(ILogger logger, int accounts, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account directory change {Version} could not be saved; the grain reloads")]
    private static partial void LogSaveFailed(ILogger logger, Exception ex, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account directory version {Version} could not be published (keyring, SSH keys); the sync timer tries again")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account import: {Added} added, {Updated} updated, {Unchanged} unchanged, {Skipped} skipped")]
    private static partial void LogImported(ILogger logger, int added, int updated, int unchanged, int skipped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload refused: account {Login} for {Repository}/{Product}, source {Source}")]
    private static partial void LogRefused(ILogger logger, string login, string repository, string product, string source);
}
