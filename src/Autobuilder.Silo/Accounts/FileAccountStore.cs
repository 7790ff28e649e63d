using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Grains.Accounts;
using Autobuilder.Silo.Storage;

namespace Autobuilder.Silo.Accounts;

/// <summary>
/// The directory in role "all": one JSON file (<c>state/accounts.json</c>), the whole directory,
/// replaced atomically on every change (<see cref="DurableFile"/>: written, fsynced, renamed,
/// folder fsynced), so a change is on disk before the grain answers and a crash leaves the old or
/// the new directory, never a mix. JSON so an operator can read it; 10,000 accounts are a few MiB.
/// </summary>
public sealed class FileAccountStore(string path) : IAccountStore
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Model? _model;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public async Task<AccountStoreContents> LoadAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            _model = new Model(await ReadAsync(ct));
            return _model.Contents();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SaveAsync(AccountStoreChange change, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            _model ??= new Model(await ReadAsync(ct));
            if (change.Version != _model.Version + 1)
            {
                throw new InvalidOperationException(
                    $"{Path} is at version {_model.Version}; change {change.Version} does not follow it (was the file replaced while the silo ran?)");
            }
            var next = _model.Copy();
            next.Apply(change);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(next.Contents(), Json);
            await Task.Run(() => DurableFile.Write(Path, bytes), ct);
            _model = next;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AccountStoreContents> ReadAsync(CancellationToken ct)
    {
        if (!File.Exists(Path))
            return AccountStoreContents.Empty;
        await using var stream = File.OpenRead(Path);
        return await JsonSerializer.DeserializeAsync<AccountStoreContents>(stream, Json, ct)
            ?? throw new InvalidDataException($"{Path}: empty account directory file");
    }

    /// <summary>The directory as rows, to which deltas apply (shared with the tests' expectations of a store).</summary>
    internal sealed class Model
    {
        private Dictionary<string, StoredAccount> _accounts = new(StringComparer.Ordinal);
        private HashSet<UploadRight> _rights = [];
        private Dictionary<string, string> _owners = new(StringComparer.Ordinal);
        private Dictionary<string, FormerOpenPgpKey> _former = new(StringComparer.Ordinal);

        public Model(AccountStoreContents contents)
        {
            Version = contents.Version;
            foreach (var a in contents.Accounts)
                _accounts[a.Details.Login] = a;
            _rights.UnionWith(contents.Rights);
            foreach (var (s, l) in contents.SourceOwners)
                _owners[s] = l;
            foreach (var f in contents.FormerKeys)
                _former[f.Key.Fingerprint] = f;
        }

        private Model() { }

        public long Version { get; private set; }

        public Model Copy() => new()
        {
            Version = Version,
            _accounts = new(_accounts, StringComparer.Ordinal),
            _rights = [.. _rights],
            _owners = new(_owners, StringComparer.Ordinal),
            _former = new(_former, StringComparer.Ordinal),
        };

        public void Apply(AccountStoreChange change)
        {
            foreach (var login in change.Removed)
                _accounts.Remove(login);
            foreach (var a in change.Upserted)
                _accounts[a.Details.Login] = a;
            _rights.ExceptWith(change.Revoked);
            _rights.UnionWith(change.Granted);
            foreach (var (s, l) in change.NewOwners)
                _owners[s] = l;
            foreach (var f in change.NewFormerKeys)
                _former[f.Key.Fingerprint] = f;
            Version = change.Version;
        }

        public AccountStoreContents Contents() => new(
            Version,
            [.. _accounts.Values.OrderBy(a => a.Details.Login, StringComparer.Ordinal)],
            [.. _rights.OrderBy(r => r.Subject, StringComparer.Ordinal).ThenBy(r => r.Repository, StringComparer.Ordinal)
                .ThenBy(r => r.Product, StringComparer.Ordinal).ThenBy(r => r.Source ?? "", StringComparer.Ordinal)],
            new SortedDictionary<string, string>(_owners, StringComparer.Ordinal),
            [.. _former.Values.OrderBy(f => f.Key.Fingerprint, StringComparer.Ordinal)]);
    }
}
