using System.Security.Cryptography.X509Certificates;

namespace Autobuilder.Grains.Security;

/// <summary>
/// Decides whether a certificate is one of ours: it chains to the autobuilder's CA and only to it
/// (the machine's trusted roots count for nothing), it is within its dates, it is not revoked.
/// </summary>
public sealed class CertificateTrust(X509Certificate2 authority, RevocationList revocations)
{
    public X509Certificate2 Authority { get; } = authority;
    public RevocationList Revocations { get; } = revocations;

    /// <summary>A chain policy that trusts our CA alone, requiring <paramref name="usages"/> (extended key usage OIDs).</summary>
    public X509ChainPolicy Policy(params string[] usages)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            VerificationTimeIgnored = false,
        };
        policy.CustomTrustStore.Add(Authority);
        foreach (var usage in usages)
            policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usage));
        return policy;
    }

    /// <summary>Why <paramref name="certificate"/> is not a valid, unrevoked certificate of our CA, or null.</summary>
    public string? Problem(X509Certificate2 certificate, params string[] usages) => Problem(certificate, true, usages);

    /// <summary>As <see cref="Problem(X509Certificate2, string[])"/>; the revocation list only when <paramref name="checkRevocation"/>.</summary>
    public string? Problem(X509Certificate2 certificate, bool checkRevocation, params string[] usages)
    {
        var identity = CertificateIdentity.Of(certificate);
        using var chain = new X509Chain { ChainPolicy = Policy(usages) };
        if (!chain.Build(certificate))
        {
            var status = chain.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (a, b) => a | b);
            if ((status & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
                return $"certificate '{identity.Name}' was not issued by this autobuilder's certificate authority ({Authority.Subject}); it names issuer '{certificate.Issuer}'";
            if ((status & X509ChainStatusFlags.NotTimeValid) != 0)
                return $"certificate '{identity.Name}' is not valid now (valid {certificate.NotBefore:u} to {certificate.NotAfter:u}); ask an admin for a new one (autobuilder certs issue)";
            if ((status & X509ChainStatusFlags.NotValidForUsage) != 0)
                return $"certificate '{identity.Name}' is not made for this use (role {identity.Role.Name()})";
            return $"certificate '{identity.Name}' is not valid: {string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()))}";
        }
        if (!chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(Authority.RawDataMemory.Span))
            return $"certificate '{identity.Name}' does not chain to this autobuilder's certificate authority";
        if (checkRevocation && Revocations.IsRevoked(identity.Serial))
            return $"certificate '{identity.Name}' (serial {identity.Serial}) has been revoked (autobuilder certs revoke); ask an admin for a new one";
        if (identity.Role == AccessRole.None || CertificateNames.Problem(identity.Name) is not null)
            return $"certificate '{certificate.Subject}' names no autobuilder role";
        return null;
    }
}
