using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Autobuilder.Grains.Security;

namespace Autobuilder.Silo.Security;

/// <summary>
/// Checks a <see cref="CallProof"/>: a certificate of our CA, unrevoked, whose key signed the proof,
/// bound to the caller that presents it and not expired. What it verified it remembers (by the
/// signature's bytes), so a caller pays for parsing the certificate, its chain and the signature
/// once per proof (every ten minutes), not per call; a remembered signature counts only for the very
/// proof it was verified with (same certificate, subject and expiry), so a proof edited after it was
/// verified (its expiry moved, another certificate put on it) is checked again, and refused. The
/// revocation list is consulted on every call (here, not in the cache).
/// </summary>
public sealed class ProofVerifier(CertificateTrust trust, TimeProvider time)
{
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<byte[], Verified> _verified = new(SignatureComparer.Instance);

    public CertificateTrust Trust => trust;

    /// <summary>The caller's identity, or <see cref="AccessRefusedException"/> saying why not.</summary>
    public CertificateIdentity Verify(CallProof proof, bool checkRevocation = true)
    {
        if (proof.Subject is not (CallProof.SiloSubject or CallProof.ClientSubject))
            throw new AccessRefusedException("the call carries a certificate proof of an unknown kind");
        if (proof.Expires < time.GetUtcNow().ToUnixTimeSeconds())
            throw new AccessRefusedException("the call's certificate proof has expired; reconnect");
        CertificateIdentity identity;
        if (_verified.TryGetValue(proof.Signature, out var known) && known.Holds(proof))
            identity = known.Identity;
        else
        {
            identity = VerifyNew(proof);
            if (_verified.Count >= MaxCached)
                _verified.Clear();
            _verified[proof.Signature] = new Verified(identity, proof.Certificate, proof.Subject, proof.Expires);
        }
        if (checkRevocation && trust.Revocations.IsRevoked(identity.Serial))
            throw new AccessRefusedException($"certificate '{identity.Name}' (serial {identity.Serial}) has been revoked (autobuilder certs revoke); ask an admin for a new one");
        return identity;
    }

    private CertificateIdentity VerifyNew(CallProof proof)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(proof.Certificate);
        }
        catch (CryptographicException)
        {
            throw new AccessRefusedException("the call's certificate proof holds no readable certificate");
        }
        using (certificate)
        {
            if (trust.Problem(certificate, checkRevocation: false, CertificateNames.ClientAuthOid) is { } problem)
                throw new AccessRefusedException(problem);
            var identity = CertificateIdentity.Of(certificate);
            using var key = certificate.GetECDsaPublicKey()
                ?? throw new AccessRefusedException($"certificate '{identity.Name}' has no ECDSA key");
            if (!key.VerifyData(CallProof.SignedData(proof.Subject, proof.Expires), proof.Signature, HashAlgorithmName.SHA256))
                throw new AccessRefusedException($"the call's proof was not signed with the key of certificate '{identity.Name}'");
            if (proof.Subject == CallProof.SiloSubject && identity.Role != AccessRole.Silo)
                throw new AccessRefusedException($"certificate '{identity.Name}' (role {identity.Role.Name()}) is not a silo's");
            return identity;
        }
    }

    /// <summary>A proof verified once: what its signature was checked with.</summary>
    private sealed record Verified(CertificateIdentity Identity, byte[] Certificate, string Subject, long Expires)
    {
        public bool Holds(CallProof proof) =>
            proof.Expires == Expires && proof.Subject == Subject && proof.Certificate.AsSpan().SequenceEqual(Certificate);
    }

    private sealed class SignatureComparer : IEqualityComparer<byte[]>
    {
        public static readonly SignatureComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        // Signatures are random-looking bytes: the first eight are as good a hash as any.
        public int GetHashCode(byte[] obj) => obj.Length >= 8 ? BitConverter.ToInt32(obj, 4) ^ BitConverter.ToInt32(obj, obj.Length - 4) : obj.Length;
    }
}
