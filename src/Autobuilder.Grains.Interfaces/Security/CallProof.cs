using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Text;

namespace Autobuilder.Grains.Security;

/// <summary>
/// Who makes a grain call, proved: the caller's certificate and its signature, by the certificate's
/// own private key, over what the proof is bound to and until when it holds. Orleans' call filters
/// do not see the TLS peer certificate, so every call carries this in its RequestContext; the silo's
/// access filter checks it against the CA and the revocation list (once per proof: it caches what
/// it verified) and takes the caller's role from the certificate, never from the caller's word.
/// A proof is signed over its subject ("silo" or "client") and expiry only: an Orleans client does
/// not know the id the gateway gives it, so the proof cannot be bound to it. It travels only inside
/// TLS to the gateway, and silos replace it by their own on every call they make, so it is seen by
/// no one but its maker and the silo it calls; it holds ten minutes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CallProof(
    [property: Id(0)] byte[] Certificate,
    [property: Id(1)] string Subject,
    [property: Id(2)] long Expires,
    [property: Id(3)] byte[] Signature)
{
    /// <summary>The RequestContext key.</summary>
    public const string Key = "ab.proof";

    /// <summary>What silo proofs are bound to: silos call on behalf of every grain they host.</summary>
    public const string SiloSubject = "silo";

    /// <summary>What client proofs are bound to.</summary>
    public const string ClientSubject = "client";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static CallProof Create(Credential credential, string subject, DateTimeOffset expires)
    {
        using var key = credential.Certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException($"{credential.Path} holds no ECDSA private key");
        var seconds = expires.ToUnixTimeSeconds();
        return new CallProof(credential.Certificate.RawData, subject, seconds,
            key.SignData(SignedData(subject, seconds), HashAlgorithmName.SHA256));
    }

    public static byte[] SignedData(string subject, long expires) =>
        Encoding.UTF8.GetBytes($"autobuilder call proof\n{subject}\n{expires.ToString(CultureInfo.InvariantCulture)}");
}
