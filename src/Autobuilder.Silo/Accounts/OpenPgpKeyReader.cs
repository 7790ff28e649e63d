using Autobuilder.Debian.Signing;
using Autobuilder.Grains.Accounts;

namespace Autobuilder.Silo.Accounts;

/// <summary>The directory's OpenPGP key reader: gpg in a throwaway home (<see cref="OpenPgpPublicKeyFile"/>), off the grain's thread.</summary>
public sealed class OpenPgpKeyReader : IOpenPgpKeyReader
{
    public Task<OpenPgpKeyRead> ReadAsync(byte[] key, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            var facts = OpenPgpPublicKeyFile.Read(key);
            return new OpenPgpKeyRead(facts.Fingerprint, facts.UserIds, facts.Expires, facts.Revoked, facts.Packets);
        }, ct);
}
