using Autobuilder.Grains;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>
/// Stand-in for the account directory grain in unit tests of the upload checks (the real one is
/// tested end to end in the silo tests): keys by fingerprint with the refusal the directory would
/// give, rights as (login, repository, product) triples, addresses by login. Records each question.
/// </summary>
public sealed class FakeAccountDirectory : IAccountDirectoryGrain
{
    public Dictionary<string, SignerLookup> Signers { get; } = new(StringComparer.OrdinalIgnoreCase);
    public HashSet<(string Login, string Repository, string Product)> Rights { get; } = [];
    public Dictionary<string, string> Emails { get; } = [];
    public List<string> Asked { get; } = [];

    public Task<SignerLookup> FindSignerAsync(string primaryFingerprint, DateTimeOffset signedAt)
    {
        Asked.Add($"signer {primaryFingerprint} at {signedAt:u}");
        return Task.FromResult(Signers.TryGetValue(primaryFingerprint, out var s) ? s : new SignerLookup(null, null, $"no account has key {primaryFingerprint}"));
    }

    public Task<UploadPermission> AuthorizeUploadAsync(UploadPermissionRequest request)
    {
        Asked.Add($"right {request.Login} {request.Repository}/{request.Product} {request.Source}");
        return Task.FromResult(Rights.Contains((request.Login, request.Repository, request.Product))
            ? new UploadPermission(true, null)
            : new UploadPermission(false, $"account {request.Login} may not upload to {request.Repository}/{request.Product}: an operator can grant it with `autobuilder accounts grant {request.Login} {request.Repository} {request.Product}`"));
    }

    public Task<string?> GetEmailAsync(string login) => Task.FromResult(Emails.GetValueOrDefault(login));

    public Task<IReadOnlyList<AccountSummary>> ListAsync() => throw new NotSupportedException();
    public Task<AccountDetails?> GetAsync(string login) => throw new NotSupportedException();
    public Task<AccountChange> AddAsync(NewAccount account) => throw new NotSupportedException();
    public Task<AccountChange> SetEnabledAsync(string login, bool enabled, string reason) => throw new NotSupportedException();
    public Task<AccountChange> RemoveAsync(string login) => throw new NotSupportedException();
    public Task<AccountChange> SetGroupsAsync(string login, IReadOnlyList<string> groups) => throw new NotSupportedException();
    public Task<AccountChange> AddSshKeyAsync(string login, string publicKeyLine) => throw new NotSupportedException();
    public Task<AccountChange> AddOpenPgpKeyAsync(string login, byte[] key) => throw new NotSupportedException();
    public Task<AccountChange> RemoveKeyAsync(string login, string fingerprint) => throw new NotSupportedException();
    public Task<AccountChange> GrantAsync(UploadRight right) => throw new NotSupportedException();
    public Task<AccountChange> RevokeAsync(UploadRight right) => throw new NotSupportedException();
    public Task<NewAccessToken> AddTokenAsync(string login, string note, DateTimeOffset? expires) => throw new NotSupportedException();
    public Task<AccountChange> RevokeTokenAsync(string login, string tokenId) => throw new NotSupportedException();
    public Task<AccountChange> SyncAsync() => throw new NotSupportedException();
    public Task<string?> VerifyTokenAsync(string login, string token) => throw new NotSupportedException();
    public Task<ImportReport> ImportAsync(AccountImport import) => throw new NotSupportedException();
    public Task<IReadOnlyList<AccountGroup>> GroupsAsync() => throw new NotSupportedException();
}
