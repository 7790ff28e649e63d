using System.Globalization;
using System.Text.RegularExpressions;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Accounts;

/// <summary>
/// The directory in memory and every rule of it, without Orleans or I/O: what the grain holds
/// between its store's load and each save. Each change is collected as a delta
/// (<see cref="TakeChange"/>) for the store. Bad input is an <see cref="ArgumentException"/> whose
/// message the console prints; a change that changes nothing answers <c>Changed: false</c> and why.
/// </summary>
public sealed partial class AccountBook
{
    private readonly Dictionary<string, StoredAccount> _accounts = new(StringComparer.Ordinal);
    private readonly HashSet<UploadRight> _rights = [];
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FormerOpenPgpKey> _former = new(StringComparer.Ordinal);
    // Which account holds a key: a key belongs to one account only (sshd's %f, gpgv's VALIDSIG name one key).
    private readonly Dictionary<string, string> _openPgpOwners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sshOwners = new(StringComparer.Ordinal);
    private Pending _pending = new();

    public AccountBook(AccountStoreContents contents)
    {
        Version = contents.Version;
        foreach (var account in contents.Accounts)
            Put(account);
        _rights.UnionWith(contents.Rights);
        foreach (var (source, login) in contents.SourceOwners)
            _owners[source] = login;
        foreach (var former in contents.FormerKeys)
            _former[former.Key.Fingerprint] = former;
    }

    /// <summary>Grows by one with each change saved.</summary>
    public long Version { get; private set; }

    public int Count => _accounts.Count;

    public bool HasPendingChange => _pending.Any;

    // ---- reading ----

    public IReadOnlyList<AccountSummary> List() =>
        [.. _accounts.Values.Select(a => a.Details).OrderBy(d => d.Login, StringComparer.Ordinal)
            .Select(d => new AccountSummary(d.Login, d.RealName, d.Email, d.Enabled, d.SshKeys.Count,
                d.OpenPgpKeys.Count(k => k.RemovedAt is null), d.Groups))];

    /// <summary>The account with the rights that apply to it (its own and its groups').</summary>
    public AccountDetails? Get(string login)
    {
        AccountNames.RequireLogin(login);
        return _accounts.TryGetValue(login, out var account) ? WithRights(account.Details) : null;
    }

    /// <summary>Groups with their members, and the rights granted to each.</summary>
    public IReadOnlyList<AccountGroup> Groups()
    {
        var members = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var details in _accounts.Values.Select(a => a.Details))
        {
            foreach (var group in details.Groups)
            {
                if (!members.TryGetValue(group, out var list))
                    members[group] = list = [];
                list.Add(details.Login);
            }
        }
        foreach (var right in _rights.Where(r => r.Subject.StartsWith('@')))
            members.TryAdd(right.Subject[1..], []);
        return [.. members.Select(m => new AccountGroup(m.Key, [.. m.Value.Order(StringComparer.Ordinal)],
            [.. SortRights(_rights.Where(r => r.Subject == "@" + m.Key))]))];
    }

    public IReadOnlyDictionary<string, string> SourceOwners => _owners;

    /// <summary>The directory as published: every account with its rights, and the keys of removed accounts.</summary>
    public AccountSnapshot Snapshot()
    {
        var bySubject = _rights.ToLookup(r => r.Subject, StringComparer.Ordinal);
        return new(Version, [.. _accounts.Values.Select(a => WithRights(a.Details, bySubject)).OrderBy(d => d.Login, StringComparer.Ordinal)])
        {
            FormerOpenPgpKeys = [.. _former.Values.OrderBy(f => f.Key.Fingerprint, StringComparer.Ordinal)],
        };
    }

    public string? GetEmail(string login) =>
        AccountNames.IsValidLogin(login) && _accounts.TryGetValue(login, out var a) && a.Details.Enabled ? a.Details.Email : null;

    // ---- changing ----

    public AccountChange Add(NewAccount account, DateTimeOffset now)
    {
        var login = AccountNames.RequireLogin(account.Login);
        var name = RequireText(account.RealName, "real name", 200);
        var email = RequireEmail(account.Email);
        var groups = RequireGroups(account.Groups);
        if (_accounts.ContainsKey(login))
            return new AccountChange(false, $"account {login} exists already (see it with: autobuilder accounts show {login})");
        Upsert(new StoredAccount(new AccountDetails(login, name, email, true, groups, [], [], [], [], now, null), new Dictionary<string, string>()));
        return new AccountChange(true, $"account {login} added ({name} <{email}>)");
    }

    /// <summary>Adds the account, or brings its name, e-mail and groups to these (import).</summary>
    public AccountChange AddOrUpdate(NewAccount account, DateTimeOffset now)
    {
        var login = AccountNames.RequireLogin(account.Login);
        if (!_accounts.TryGetValue(login, out var stored))
            return Add(account, now);
        var name = RequireText(account.RealName, "real name", 200);
        var email = RequireEmail(account.Email);
        var groups = RequireGroups(account.Groups);
        var d = stored.Details;
        if (d.RealName == name && d.Email == email && d.Groups.SequenceEqual(groups))
            return new AccountChange(false, $"account {login} is up to date");
        Upsert(stored with { Details = d with { RealName = name, Email = email, Groups = groups } });
        return new AccountChange(true, $"account {login} updated");
    }

    public AccountChange SetEnabled(string login, bool enabled, string reason)
    {
        var stored = Require(login);
        var why = enabled ? null : RequireText(string.IsNullOrWhiteSpace(reason) ? "disabled by an operator" : reason, "reason", 500);
        if (stored.Details.Enabled == enabled && stored.Details.DisabledReason == why)
            return new AccountChange(false, $"account {login} is {(enabled ? "enabled" : "disabled")} already");
        Upsert(stored with { Details = stored.Details with { Enabled = enabled, DisabledReason = why } });
        return new AccountChange(true, enabled ? $"account {login} enabled" : $"account {login} disabled: {why}");
    }

    public AccountChange Remove(string login, DateTimeOffset now)
    {
        var stored = Require(login);
        foreach (var key in stored.Details.OpenPgpKeys)
        {
            var former = new FormerOpenPgpKey(login, now, key);
            _former[key.Fingerprint] = former;
            _pending.Former.Add(former);
            _openPgpOwners.Remove(key.Fingerprint);
        }
        foreach (var key in stored.Details.SshKeys)
            _sshOwners.Remove(key.Fingerprint);
        var rights = _rights.Where(r => r.Subject == login).ToList();
        foreach (var right in rights)
            RemoveRight(right);
        _accounts.Remove(login);
        _pending.Upserted.Remove(login);
        _pending.Removed.Add(login);
        return new AccountChange(true,
            $"account {login} removed with {stored.Details.SshKeys.Count} SSH key(s), {stored.Details.OpenPgpKeys.Count} OpenPGP key(s), " +
            $"{stored.Details.Tokens.Count} token(s) and {rights.Count} right(s); its uploads keep its name");
    }

    public AccountChange SetGroups(string login, IReadOnlyList<string> groups)
    {
        var stored = Require(login);
        var wanted = RequireGroups(groups);
        if (stored.Details.Groups.SequenceEqual(wanted))
            return new AccountChange(false, $"account {login} is in {Describe(wanted)} already");
        Upsert(stored with { Details = stored.Details with { Groups = wanted } });
        return new AccountChange(true, $"account {login} is now in {Describe(wanted)}");
    }

    public AccountChange AddSshKey(string login, string publicKeyLine, DateTimeOffset now)
    {
        var stored = Require(login);
        var key = SshKeyLine.Parse(publicKeyLine);
        if (_sshOwners.TryGetValue(key.Fingerprint, out var owner))
        {
            if (owner == login)
                return new AccountChange(false, $"account {login} has SSH key {key.Fingerprint} already");
            throw new ArgumentException($"SSH key {key.Fingerprint} belongs to account {owner}: one key opens one account's upload area only");
        }
        _sshOwners[key.Fingerprint] = login;
        Upsert(stored with { Details = stored.Details with { SshKeys = [.. stored.Details.SshKeys, key.ToKey(now)] } });
        return new AccountChange(true, $"SSH key {key.Fingerprint} ({key.Type}, {key.Bits} bits) added to account {login}");
    }

    public AccountChange AddOpenPgpKey(string login, OpenPgpKeyRead read, DateTimeOffset now)
    {
        var stored = Require(login);
        var fingerprint = read.Fingerprint.ToUpperInvariant();
        if (read.Revoked)
            throw new ArgumentException($"OpenPGP key {fingerprint} is revoked by its owner: it cannot sign uploads");
        if (_openPgpOwners.TryGetValue(fingerprint, out var owner) && owner != login)
            throw new ArgumentException($"OpenPGP key {fingerprint} belongs to account {owner}: one key signs for one account only");
        var expiry = read.Expires is { } e
            ? e <= now ? $"; it expired on {Day(e)} and signs nothing until its owner extends it" : $", expires {Day(e)}"
            : ", no expiry";
        var keys = stored.Details.OpenPgpKeys.ToList();
        var index = keys.FindIndex(k => k.Fingerprint == fingerprint);
        if (index >= 0)
        {
            var old = keys[index];
            if (old.RemovedAt is null && old.Expires == read.Expires && old.Packets.AsSpan().SequenceEqual(read.Packets))
                return new AccountChange(false, $"account {login} has OpenPGP key {fingerprint} already");
            // The owner extended its expiry, added a user id, or an operator brings a removed key back.
            keys[index] = old with { UserIds = read.UserIds, Expires = read.Expires, Packets = read.Packets, RemovedAt = null };
        }
        else
        {
            keys.Add(new OpenPgpPublicKey(fingerprint, read.UserIds, read.Expires, read.Packets, now, null));
        }
        _openPgpOwners[fingerprint] = login;
        Upsert(stored with { Details = stored.Details with { OpenPgpKeys = keys } });
        var uid = read.UserIds.Count > 0 ? $" ({read.UserIds[0]})" : "";
        return new AccountChange(true, $"OpenPGP key {fingerprint}{uid} {(index >= 0 ? "updated on" : "added to")} account {login}{expiry}");
    }

    /// <summary>An SSH key (SHA256:…) goes; an OpenPGP key is kept marked removed, so its signatures are refused with that reason.</summary>
    public AccountChange RemoveKey(string login, string fingerprint, DateTimeOffset now)
    {
        var stored = Require(login);
        var given = (fingerprint ?? "").Trim();
        if (given.StartsWith("SHA256:", StringComparison.Ordinal))
        {
            var ssh = stored.Details.SshKeys.FirstOrDefault(k => k.Fingerprint == given)
                ?? throw new ArgumentException($"account {login} has no SSH key {given} (see its keys with: autobuilder accounts show {login})");
            _sshOwners.Remove(ssh.Fingerprint);
            Upsert(stored with { Details = stored.Details with { SshKeys = [.. stored.Details.SshKeys.Where(k => k != ssh)] } });
            return new AccountChange(true, $"SSH key {ssh.Fingerprint} removed from account {login}");
        }
        var hex = NormalizeOpenPgp(given);
        var key = stored.Details.OpenPgpKeys.FirstOrDefault(k => k.Fingerprint == hex)
            ?? throw new ArgumentException($"account {login} has no key {given}: give an SSH key's SHA256:… or an OpenPGP key's 40 hex digits (see them with: autobuilder accounts show {login})");
        if (key.RemovedAt is { } removed)
            return new AccountChange(false, $"OpenPGP key {hex} of account {login} was removed on {Day(removed)} already");
        Upsert(stored with
        {
            Details = stored.Details with { OpenPgpKeys = [.. stored.Details.OpenPgpKeys.Select(k => k == key ? k with { RemovedAt = now } : k)] },
        });
        return new AccountChange(true, $"OpenPGP key {hex} of account {login} removed: uploads it signs are refused from now on");
    }

    public AccountChange Grant(UploadRight right)
    {
        var r = RequireRight(right);
        if (!r.Subject.StartsWith('@'))
            Require(r.Subject);
        if (_rights.Contains(r))
            return new AccountChange(false, $"{Describe(r)} is granted already");
        _rights.Add(r);
        if (!_pending.Revoked.Remove(r))
            _pending.Granted.Add(r);
        var note = r.Subject.StartsWith('@') && !_accounts.Values.Any(a => a.Details.Groups.Contains(r.Subject[1..]))
            ? $" (no account is in group {r.Subject[1..]} yet: add one with autobuilder accounts set-groups LOGIN --group {r.Subject[1..]})" : "";
        return new AccountChange(true, $"granted: {Describe(r)}{note}");
    }

    public AccountChange Revoke(UploadRight right)
    {
        var r = RequireRight(right);
        if (!_rights.Contains(r))
        {
            var held = SortRights(_rights.Where(x => x.Subject == r.Subject)).Select(Describe).ToList();
            return new AccountChange(false, $"{Describe(r)} was not granted" +
                (held.Count > 0 ? $"; {r.Subject} holds: {string.Join("; ", held)}" : $"; {r.Subject} holds no right"));
        }
        RemoveRight(r);
        return new AccountChange(true, $"revoked: {Describe(r)}");
    }

    public NewAccessToken AddToken(string login, string note, DateTimeOffset? expires, DateTimeOffset now)
    {
        var stored = Require(login);
        var text = string.IsNullOrWhiteSpace(note) ? "" : RequireText(note, "note", 200);
        if (expires is { } e && e <= now)
            throw new ArgumentException($"the token would expire on {Day(e)}, which is past");
        var (id, token, hash) = AccessTokens.Create(stored.TokenHashes.ContainsKey);
        var info = new AccessTokenInfo(id, text, now, expires, null);
        var hashes = new Dictionary<string, string>(stored.TokenHashes, StringComparer.Ordinal) { [id] = hash };
        Upsert(new StoredAccount(stored.Details with { Tokens = [.. stored.Details.Tokens, info] }, hashes));
        return new NewAccessToken(info, token);
    }

    public AccountChange RevokeToken(string login, string tokenId, DateTimeOffset now)
    {
        var stored = Require(login);
        var id = (tokenId ?? "").Trim().ToLowerInvariant();
        if (AccessTokens.IdOf(tokenId) is { } fromWholeToken)
            id = fromWholeToken; // an operator pasted the token itself
        var token = stored.Details.Tokens.FirstOrDefault(t => t.Id == id)
            ?? throw new ArgumentException($"account {login} has no token {tokenId} (see its tokens with: autobuilder accounts show {login})");
        if (token.RevokedAt is { } revoked)
            return new AccountChange(false, $"token {id} of account {login} was revoked on {Day(revoked)} already");
        Upsert(stored with { Details = stored.Details with { Tokens = [.. stored.Details.Tokens.Select(t => t == token ? t with { RevokedAt = now } : t)] } });
        return new AccountChange(true, $"token {id} of account {login} revoked");
    }

    // ---- decisions ----

    /// <summary>Who signed, and whether they may sign at <paramref name="signedAt"/>; every refusal names the key and the account.</summary>
    public SignerLookup FindSigner(string primaryFingerprint, DateTimeOffset signedAt)
    {
        var fingerprint = NormalizeOpenPgpOrNull(primaryFingerprint);
        if (fingerprint is null)
            return new SignerLookup(null, null, $"'{primaryFingerprint}' is not an OpenPGP fingerprint (40 hex digits)");
        if (_openPgpOwners.TryGetValue(fingerprint, out var login) && _accounts.TryGetValue(login, out var stored))
        {
            var details = stored.Details;
            var key = details.OpenPgpKeys.First(k => k.Fingerprint == fingerprint);
            if (key.RemovedAt is { } removed)
                return new SignerLookup(null, null, $"key {fingerprint} of account {login} was removed on {Day(removed)}");
            if (!details.Enabled)
                return new SignerLookup(null, null, $"key {fingerprint} belongs to account {login}, which is disabled: {details.DisabledReason}");
            if (key.Expires is { } expires && expires <= signedAt)
            {
                return new SignerLookup(null, null,
                    $"key {fingerprint} of account {login} expired on {Day(expires)} (the signature was made on {Time(signedAt)}): " +
                    $"extend it (gpg --quick-set-expire {fingerprint} 1y) and have an operator add it again " +
                    $"(autobuilder accounts key add {login} --openpgp FILE)");
            }
            return new SignerLookup(login, details.Email, null);
        }
        if (_former.TryGetValue(fingerprint, out var former))
            return new SignerLookup(null, null, $"key {fingerprint} belonged to account {former.Login}, which was removed on {Day(former.AccountRemovedAt)}");
        return new SignerLookup(null, null,
            $"no account has key {fingerprint}: an operator can add it with autobuilder accounts key add LOGIN --openpgp FILE");
    }

    /// <summary>
    /// The right to upload, and source ownership (the first allowed upload of a source name makes
    /// its uploader the owner; recorded as a pending change). A refusal names the account, the
    /// missing right and the exact command an operator runs to grant it.
    /// </summary>
    public UploadPermission Authorize(UploadPermissionRequest request, bool requireRights, bool sourceOwnership)
    {
        var login = request.Login;
        var repository = request.Repository;
        var product = request.Product;
        var source = request.Source;
        if (requireRights)
        {
            if (!AccountNames.IsValidLogin(login) || !_accounts.TryGetValue(login, out var stored))
            {
                return Refuse($"there is no account {login}: an operator can add it with " +
                    $"`autobuilder accounts add {Shown(login)} --name NAME --email ADDRESS` and grant it the right with " +
                    $"`autobuilder accounts grant {Shown(login)} {repository} {product}`");
            }
            var details = stored.Details;
            if (!details.Enabled)
                return Refuse($"account {login} is disabled ({details.DisabledReason}): an operator can enable it with `autobuilder accounts enable {login}`");
            var subjects = details.Groups.Select(g => "@" + g).Append(login).ToHashSet(StringComparer.Ordinal);
            var matching = _rights.Where(r => subjects.Contains(r.Subject) && Matches(r.Repository, repository) && Matches(r.Product, product)
                && (r.Source is null || r.Source == source)).ToList();
            if (matching.Count == 0)
            {
                return Refuse($"account {login} may not upload to {repository}/{product}: an operator can grant it with " +
                    $"`autobuilder accounts grant {login} {repository} {product}`");
            }
            if (sourceOwnership && _owners.TryGetValue(source, out var owner) && owner != login
                && !matching.Any(r => r.Source == source))
            {
                return Refuse($"source {source} belongs to account {owner} (its first uploader); account {login} may upload it to " +
                    $"{repository}/{product} only with a grant for that source: an operator can grant it with " +
                    $"`autobuilder accounts grant {login} {repository} {product} --source {source}`");
            }
        }
        else if (sourceOwnership && _owners.TryGetValue(source, out var owner) && owner != login)
        {
            var granted = _rights.Any(r => r.Subject == login && r.Source == source && Matches(r.Repository, repository) && Matches(r.Product, product));
            if (!granted)
            {
                return Refuse($"source {source} belongs to account {owner} (its first uploader); {login} may upload it to {repository}/{product} " +
                    $"only with a grant for that source: an operator can grant it with `autobuilder accounts grant {Shown(login)} {repository} {product} --source {source}`");
            }
        }
        if (sourceOwnership && !_owners.ContainsKey(source))
        {
            _owners[source] = login;
            _pending.Owners[source] = login;
        }
        return new UploadPermission(true, null);
    }

    public string? VerifyToken(string login, string token, DateTimeOffset now)
    {
        // Hashed even when the account or id is unknown, so the answer's time says nothing about which.
        var id = AccessTokens.IdOf(token);
        var hash = AccessTokens.HashOf(token ?? "");
        if (id is null || !AccountNames.IsValidLogin(login) || !_accounts.TryGetValue(login, out var stored) || !stored.Details.Enabled)
            return null;
        var info = stored.Details.Tokens.FirstOrDefault(t => t.Id == id);
        if (info is null || info.RevokedAt is not null || (info.Expires is { } e && e <= now) || !stored.TokenHashes.TryGetValue(id, out var stored256))
            return null;
        return AccessTokens.Matches(token!, stored256) ? login : null;
    }

    // ---- the store's delta ----

    /// <summary>The change since the last call, with the next version; null when nothing changed.</summary>
    public AccountStoreChange? TakeChange()
    {
        if (!_pending.Any)
            return null;
        var p = _pending;
        _pending = new Pending();
        Version++;
        return new AccountStoreChange(Version, [.. p.Upserted.Values], [.. p.Removed], [.. p.Granted], [.. p.Revoked],
            new Dictionary<string, string>(p.Owners, StringComparer.Ordinal), [.. p.Former]);
    }

    private sealed class Pending
    {
        public Dictionary<string, StoredAccount> Upserted { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Removed { get; } = new(StringComparer.Ordinal);
        public HashSet<UploadRight> Granted { get; } = [];
        public HashSet<UploadRight> Revoked { get; } = [];
        public Dictionary<string, string> Owners { get; } = new(StringComparer.Ordinal);
        public List<FormerOpenPgpKey> Former { get; } = [];

        public bool Any => Upserted.Count + Removed.Count + Granted.Count + Revoked.Count + Owners.Count + Former.Count > 0;
    }

    // ---- helpers ----

    private void Put(StoredAccount account)
    {
        var login = account.Details.Login;
        _accounts[login] = account;
        foreach (var key in account.Details.SshKeys)
            _sshOwners[key.Fingerprint] = login;
        foreach (var key in account.Details.OpenPgpKeys)
            _openPgpOwners[key.Fingerprint] = login;
    }

    private void Upsert(StoredAccount account)
    {
        var login = account.Details.Login;
        _accounts[login] = account;
        _pending.Removed.Remove(login);
        _pending.Upserted[login] = account;
    }

    private void RemoveRight(UploadRight right)
    {
        _rights.Remove(right);
        if (!_pending.Granted.Remove(right))
            _pending.Revoked.Add(right);
    }

    private StoredAccount Require(string login)
    {
        AccountNames.RequireLogin(login);
        return _accounts.TryGetValue(login, out var stored) ? stored
            : throw new ArgumentException($"there is no account {login} (list them with: autobuilder accounts list)");
    }

    private AccountDetails WithRights(AccountDetails details) =>
        WithRights(details, _rights.ToLookup(r => r.Subject, StringComparer.Ordinal));

    private static AccountDetails WithRights(AccountDetails details, ILookup<string, UploadRight> bySubject) =>
        details with { Rights = [.. SortRights(details.Groups.Select(g => "@" + g).Append(details.Login).SelectMany(s => bySubject[s]))] };

    private static IEnumerable<UploadRight> SortRights(IEnumerable<UploadRight> rights) =>
        rights.OrderBy(r => r.Subject, StringComparer.Ordinal).ThenBy(r => r.Repository, StringComparer.Ordinal)
            .ThenBy(r => r.Product, StringComparer.Ordinal).ThenBy(r => r.Source ?? "", StringComparer.Ordinal);

    private static bool Matches(string pattern, string value) => pattern == "*" || pattern == value;

    private static UploadPermission Refuse(string reason) => new(false, reason);

    public static string Describe(UploadRight r) =>
        $"{r.Subject} may upload {(r.Source is null ? "" : $"source {r.Source} ")}to {r.Repository}/{r.Product}";

    private static string Describe(IReadOnlyList<string> groups) =>
        groups.Count == 0 ? "no group" : $"group(s) {string.Join(", ", groups)}";

    // A login as shown in a refusal: it came from an upload, so only a valid one is quoted back whole.
    private static string Shown(string? login) => AccountNames.IsValidLogin(login) ? login! : "LOGIN";

    public static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")]
    private static partial Regex PlainName();

    private static UploadRight RequireRight(UploadRight right)
    {
        var subject = (right.Subject ?? "").Trim();
        if (subject.StartsWith('@'))
        {
            if (!AccountNames.IsValidLogin(subject[1..]))
                throw new ArgumentException($"'{subject}' is not a group: '@' and a name like a login");
        }
        else
        {
            AccountNames.RequireLogin(subject);
        }
        string Name(string? value, string what)
        {
            var v = (value ?? "").Trim();
            return v == "*" || PlainName().IsMatch(v) ? v
                : throw new ArgumentException($"'{value}' is not a {what} name (letters, digits, . _ + -) or '*'");
        }
        var repository = Name(right.Repository, "repository");
        var product = Name(right.Product, "product");
        string? source = null;
        if (!string.IsNullOrWhiteSpace(right.Source))
        {
            source = right.Source.Trim();
            if (!Acceptance.PackageNames.IsValid(source))
                throw new ArgumentException($"'{right.Source}' is not a source package name (Debian Policy 5.6.1: a-z 0-9 + - ., at least two)");
        }
        return new UploadRight(subject, repository, product, source);
    }

    private static string RequireText(string? value, string what, int max)
    {
        var v = (value ?? "").Trim();
        if (v.Length == 0)
            throw new ArgumentException($"the {what} is empty");
        if (v.Length > max)
            throw new ArgumentException($"the {what} is {v.Length} characters long; at most {max}");
        if (v.Any(char.IsControl))
            throw new ArgumentException($"the {what} contains control characters");
        return v;
    }

    // Good enough for mail: one '@', something on each side, no spaces, quotes or angle brackets (the
    // address goes into a To: header as is).
    [GeneratedRegex("^[^@\\s<>\"(),;:\\\\]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")]
    private static partial Regex EmailPattern();

    private static string RequireEmail(string? email)
    {
        var v = RequireText(email, "e-mail address", 254);
        return EmailPattern().IsMatch(v) ? v : throw new ArgumentException($"'{v}' is not an e-mail address (name@host)");
    }

    private static IReadOnlyList<string> RequireGroups(IReadOnlyList<string>? groups)
    {
        var list = new List<string>();
        foreach (var raw in groups ?? [])
        {
            var g = raw.Trim().TrimStart('@');
            if (!AccountNames.IsValidLogin(g))
                throw new ArgumentException($"'{raw}' is not a group name (like a login: a lower-case letter, then a-z 0-9 . _ -)");
            if (!list.Contains(g))
                list.Add(g);
        }
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    private static string? NormalizeOpenPgpOrNull(string? fingerprint)
    {
        var hex = new string((fingerprint ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            hex = hex[2..];
        return hex.Length == 40 && hex.All(Uri.IsHexDigit) ? hex.ToUpperInvariant() : null;
    }

    private static string NormalizeOpenPgp(string fingerprint) =>
        NormalizeOpenPgpOrNull(fingerprint)
            ?? throw new ArgumentException($"'{fingerprint}' is neither an SSH key fingerprint (SHA256:…) nor an OpenPGP fingerprint (40 hex digits)");
}
