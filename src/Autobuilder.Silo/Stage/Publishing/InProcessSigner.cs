using Autobuilder.Debian.Signing;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Autobuilder.Silo.Stage.Publishing;

/// <summary>
/// Signs Release files inside the silo with the repository's secret key, read once from its
/// GNUPGHOME (BouncyCastle's OpenPGP): a publish then costs no gpg process (two per generation
/// otherwise, 15–90 ms each on this machine, most of a small publish). The signatures are the
/// ones gpg makes — SHA-512, binary document for Release.gpg, canonical text for InRelease
/// (RFC 4880 §5.2.1, §7) — and gpgv checks them; the tests prove it with the real gpgv and apt.
/// The key stays in the silo's memory, which is the user that owns GNUPGHOME anyway.
/// </summary>
public sealed class InProcessSigner : IArchiveSigner
{
    private const HashAlgorithmTag Hash = HashAlgorithmTag.Sha512;
    private static readonly Dictionary<string, string> NoHeaders = new(StringComparer.Ordinal);

    private readonly PgpPublicKey _public;
    private readonly PgpPrivateKey _private;

    private InProcessSigner(string keyId, PgpPublicKey publicKey, PgpPrivateKey privateKey)
    {
        KeyId = keyId;
        _public = publicKey;
        _private = privateKey;
    }

    public string KeyId { get; }

    /// <summary>
    /// The signer for <paramref name="keyId"/> from gpg's export of the secret key (protected or
    /// not), or null with the reason when it cannot sign in process — a key gpg cannot export (a
    /// smartcard stub), a wrong passphrase, an algorithm this library does not sign with — so the
    /// caller signs through gpg instead.
    /// </summary>
    public static InProcessSigner? Load(byte[] exported, string keyId, string? passphrase, out string? why)
    {
        why = null;
        try
        {
            var bundle = new PgpSecretKeyRingBundle(PgpUtilities.GetDecoderStream(new MemoryStream(exported)));
            // gpg exported the key ring the configured id names; within it gpg signs with the named
            // subkey, or for any other id with the newest valid signing key — the same choice here.
            if (bundle.GetKeyRings().FirstOrDefault() is not { } ring)
            {
                why = $"gpg's export holds no key {keyId}";
                return null;
            }
            var keys = ring.GetSecretKeys().ToList();
            var hex = keyId.Replace(" ", "", StringComparison.Ordinal).TrimEnd('!');
            if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                hex = hex[2..];
            var named = hex.Length >= 16 && hex.All(char.IsAsciiHexDigit)
                ? keys.FirstOrDefault(k => Convert.ToHexString(k.PublicKey.GetFingerprint()).EndsWith(hex, StringComparison.OrdinalIgnoreCase))
                : null;
            var now = DateTime.UtcNow;
            var key = named is { IsMasterKey: false }
                ? named
                : keys.Where(k => k.IsSigningKey && MaySign(k.PublicKey) && !k.IsPrivateKeyEmpty && !k.PublicKey.HasRevocation()
                                  && (k.PublicKey.GetValidSeconds() == 0 || k.PublicKey.CreationTime.AddSeconds(k.PublicKey.GetValidSeconds()) > now))
                    .OrderByDescending(k => k.PublicKey.CreationTime).FirstOrDefault();
            if (key is null || key.IsPrivateKeyEmpty)
            {
                why = $"no signing key of {keyId} has its secret part in the keybox (a stub: a smartcard or an offline key)";
                return null;
            }
            var signer = new InProcessSigner(keyId, key.PublicKey, key.ExtractPrivateKey(passphrase?.ToCharArray() ?? []));
            signer.DetachSign("self-test"u8.ToArray()); // an algorithm it cannot sign with fails here, not at the first publish
            return signer;
        }
        catch (Exception ex) when (ex is PgpException or IOException or ArgumentException or InvalidOperationException or NotSupportedException or NotImplementedException)
        {
            why = ex.Message;
            return null;
        }
    }

    public byte[] DetachSign(ReadOnlyMemory<byte> data)
    {
        var generator = Generator(PgpSignature.BinaryDocument);
        generator.Update(data.Span);
        var output = new MemoryStream();
        using (var armor = new ArmoredOutputStream(output, NoHeaders))
            generator.Generate().Encode(armor);
        return output.ToArray();
    }

    /// <summary>
    /// The clear-signed text (RFC 4880 §7): the lines as they are, dash-escaped by the armor
    /// writer; the signature over their canonical form — trailing blanks dropped, CRLF between
    /// lines, no line ending after the last (the newline before the signature belongs to it).
    /// </summary>
    public byte[] ClearSign(ReadOnlyMemory<byte> data)
    {
        var generator = Generator(PgpSignature.CanonicalTextDocument);
        var text = data.Span;
        if (!text.IsEmpty && text[^1] == (byte)'\n')
            text = text[..^1];
        var first = true;
        foreach (var range in text.Split((byte)'\n'))
        {
            var line = text[range];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
                line = line[..^1];
            if (!first)
                generator.Update("\r\n"u8);
            first = false;
            generator.Update(line.TrimEnd(" \t"u8));
        }

        var output = new MemoryStream();
        using (var armor = new ArmoredOutputStream(output, NoHeaders))
        {
            armor.BeginClearText(Hash);
            armor.Write(text);
            armor.Write("\n"u8);
            armor.EndClearText();
            generator.Generate().Encode(armor);
        }
        return output.ToArray();
    }

    // The key flags of its self-signatures (RFC 4880 §5.2.3.21), as gpg reads them: an RSA subkey made for encryption is not for signing.
    private static bool MaySign(PgpPublicKey key)
    {
        foreach (PgpSignature signature in key.GetSignatures())
        {
            var flags = signature.GetHashedSubPackets()?.GetKeyFlags() ?? 0;
            if (flags != 0)
                return (flags & PgpKeyFlags.CanSign) != 0;
        }
        return true;
    }

    private PgpSignatureGenerator Generator(int signatureType)
    {
        var generator = new PgpSignatureGenerator(_public.Algorithm, Hash);
        generator.InitSign(signatureType, _private);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, DateTime.UtcNow);
        hashed.SetIssuerFingerprint(false, _public);
        generator.SetHashedSubpackets(hashed.Generate());
        var unhashed = new PgpSignatureSubpacketGenerator();
        unhashed.SetIssuerKeyID(false, _public.KeyId);
        generator.SetUnhashedSubpackets(unhashed.Generate());
        return generator;
    }
}
