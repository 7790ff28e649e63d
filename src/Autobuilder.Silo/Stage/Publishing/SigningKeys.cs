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

    public GpgSigner Signer(RepositoryConfig repository) =>
        new(repository.GnupgHome, Ensure(repository), repository.PassphraseFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository}: made signing key {Fingerprint} in {Home}")]
    private static partial void LogKeyCreated(ILogger logger, string repository, string fingerprint, string home);
}
