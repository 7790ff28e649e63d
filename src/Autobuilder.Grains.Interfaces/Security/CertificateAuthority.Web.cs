using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Autobuilder.Grains.Security;

/// <summary>TLS server certificates for the silo's web endpoints (the HTTP upload): not for the admin plane.</summary>
public sealed partial class CertificateAuthority
{
    /// <summary>Certificate, CA and key of a web endpoint (0600), e.g. web/http-upload.pem.</summary>
    public string WebPath(string name) => Path.Combine(Folder, "web", name + ".pem");

    /// <summary>Whether the CA's key is in this folder (only there can certificates be issued).</summary>
    public bool CanIssue => File.Exists(AuthorityKeyPath);

    /// <summary>
    /// Issues (or replaces) a TLS server certificate for <paramref name="hostNames"/> (DNS names or
    /// IP addresses). It carries the server-auth usage only and no role: it cannot log in to a
    /// gateway (which wants client auth) nor call a grain (the access filter wants a role).
    /// </summary>
    public string IssueWebServer(string name, IReadOnlyCollection<string> hostNames, TimeSpan validity)
    {
        if (CertificateNames.Problem(name) is { } problem)
            throw new ArgumentException(problem);
        using var caKey = LoadAuthorityKey();
        using var authority = LoadAuthority().CopyWithPrivateKey(caKey);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(CertificateNames.Organization);
        subject.AddOrganizationalUnitName("web");
        subject.AddCommonName(hostNames.FirstOrDefault(h => !IPAddress.TryParse(h, out _)) ?? name);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(CertificateNames.ServerAuthOid) }, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hostNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
                names.AddIpAddress(address);
            else
                names.AddDnsName(host);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var notAfter = now.Add(validity) < authority.NotAfter ? now.Add(validity) : new DateTimeOffset(authority.NotAfter.ToUniversalTime());
        using var certificate = request.Create(authority, now.AddMinutes(-5), notAfter, serial);
        var path = WebPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // 0600 from the start, through a temporary name: a reader never sees half of it.
        Credential.Write(path, certificate, key, authority);
        return path;
    }
}
