using System.Collections.Concurrent;
using Autobuilder.Debian.Signing;
using Autobuilder.Grains.Stage;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Stage.Publishing;

/// <summary>
/// Each repository's signing key: the configured one, or one made for it on first use in the
/// installation's own GNUPGHOME (the embedded default). The public key is exported into the live
/// tree, where clients fetch it for their signed-by.
/// </summary>
public sealed partial class SigningKeys(ILogger<SigningKeys> logger)
{
    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The key's fingerprint (or the configured id), made and exported when needed.</summary>
    public string Ensure(RepositoryConfig repository)
    {
        if (_keys.TryGetValue(repository.Name, out var known) && File.Exists(repository.PublicKeyPath))
            return known;
        // One gpg at a time per installation: gpg-agent and the keybox do not like concurrent key generation.
        lock (_gate)
        {
            var key = repository.SigningKey;
            if (key is null)
            {
                key = GpgKeys.Find(repository.GnupgHome, repository.GeneratedKeyUserId);
                if (key is null)
                {
                    key = GpgKeys.FindOrCreate(repository.GnupgHome, repository.GeneratedKeyUserId);
                    LogKeyCreated(logger, repository.Name, key, repository.GnupgHome);
                }
            }
            GpgKeys.ExportPublic(repository.GnupgHome, key, repository.PublicKeyPath);
            _keys[repository.Name] = key;
            return key;
        }
    }

    // In-process signers by repository, home and key; a key that cannot sign in process is remembered as null (gpg signs).
    private readonly ConcurrentDictionary<(string Repository, string Home, string Key), InProcessSigner?> _signers = new();

    /// <summary>
    /// The repository's signer: in process when its key can be read from GNUPGHOME (the usual
    /// case: no gpg process per publish), else gpg itself, with the reason logged once.
    /// </summary>
    public IArchiveSigner Signer(RepositoryConfig repository)
    {
        var key = Ensure(repository);
        var signer = _signers.GetOrAdd((repository.Name, repository.GnupgHome, key), k =>
        {
            // gpg --passphrase-file reads the first line only; so does this.
            var passphrase = repository.PassphraseFile is { } file ? File.ReadLines(file).FirstOrDefault() ?? "" : null;
            var exported = GpgKeys.ExportSecret(k.Home, k.Key, repository.PassphraseFile);
            string? why = "gpg did not export the secret key";
            var loaded = exported is null ? null : InProcessSigner.Load(exported, k.Key, passphrase, out why);
            if (loaded is null)
                LogSigningThroughGpg(logger, repository.Name, k.Key, why ?? "unknown");
            return loaded;
        });
        return signer is not null ? signer : new GpgSigner(repository.GnupgHome, key, repository.PassphraseFile);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository}: signing with key {Key} through gpg, not in process: {Reason}")]
    private static partial void LogSigningThroughGpg(ILogger logger, string repository, string key, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository}: made signing key {Fingerprint} in {Home}")]
    private static partial void LogKeyCreated(ILogger logger, string repository, string fingerprint, string home);
}
