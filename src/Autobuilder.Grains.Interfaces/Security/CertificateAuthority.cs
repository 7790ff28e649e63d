using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Autobuilder.Grains.Security;

/// <summary>
/// The autobuilder's own certificate authority, kept in one folder (by default
/// <c>&lt;data root&gt;/certs</c>, mode 0700): <c>ca.crt</c>, <c>ca.key</c> (0600),
/// <c>silos/NAME.pem</c> and <c>users/NAME.pem</c> (certificate, CA, key; 0600),
/// <c>issued/SERIAL.crt</c> (every certificate given out, for <c>certs list</c>) and
/// <c>revoked.txt</c>. Keys are ECDSA P-256: small certificates, fast handshakes.
/// </summary>
public sealed partial class CertificateAuthority
{
    public static readonly TimeSpan AuthorityValidity = TimeSpan.FromDays(3650);
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(730);

    public CertificateAuthority(string folder)
    {
        Folder = Path.GetFullPath(folder);
    }

    public string Folder { get; }
    public string AuthorityPath => Path.Combine(Folder, "ca.crt");
    public string AuthorityKeyPath => Path.Combine(Folder, "ca.key");
    public string RevokedPath => Path.Combine(Folder, "revoked.txt");
    public bool Exists => File.Exists(AuthorityPath);

    public string SiloPath(string name) => Path.Combine(Folder, "silos", name + ".pem");
    public string UserPath(string name) => Path.Combine(Folder, "users", name + ".pem");

    public X509Certificate2 LoadAuthority() =>
        File.Exists(AuthorityPath)
            ? X509CertificateLoader.LoadCertificateFromFile(AuthorityPath)
            : throw new FileNotFoundException($"no certificate authority in {Folder} (make one with: autobuilder certs init --dir {Folder})", AuthorityPath);

    public CertificateTrust Trust() => new(LoadAuthority(), new RevocationList(RevokedPath));

    /// <summary>
    /// Makes the CA if there is none, then a certificate for each silo name and, when given, an admin
    /// certificate for <paramref name="adminName"/>, each only if missing. Returns the files written.
    /// </summary>
    public IReadOnlyList<string> Init(IEnumerable<string> siloNames, string? adminName)
    {
        var written = new List<string>();
        CreatePrivateFolder(Folder);
        if (!Exists)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subject = new X500DistinguishedNameBuilder();
            subject.AddOrganizationName(CertificateNames.Organization);
            subject.AddCommonName($"autobuilder CA {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
            var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            var now = DateTimeOffset.UtcNow;
            using var authority = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(AuthorityValidity));
            // The key first: a ca.crt without its key would look like a finished CA.
            Credential.WritePrivate(AuthorityKeyPath, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(AuthorityPath, authority.ExportCertificatePem() + "\n");
            written.Add(AuthorityPath);
        }
        foreach (var silo in siloNames)
        {
            if (!File.Exists(SiloPath(silo)))
                written.Add(Issue(silo, AccessRole.Silo, DefaultValidity).Path);
        }
        if (adminName is not null && !File.Exists(UserPath(adminName)))
            written.Add(Issue(adminName, AccessRole.Admin, DefaultValidity).Path);
        return written;
    }

    /// <summary>Issues a certificate for <paramref name="name"/> with <paramref name="role"/>; refused when that name has a certificate file already.</summary>
    public IssuedCertificate Issue(string name, AccessRole role, TimeSpan validity, bool replace = false)
    {
        if (CertificateNames.Problem(name) is { } problem)
            throw new ArgumentException(problem);
        if (role == AccessRole.None)
            throw new ArgumentException("a certificate needs a role: reader, operator or admin");
        var path = role == AccessRole.Silo ? SiloPath(name) : UserPath(name);
        if (File.Exists(path) && !replace)
            throw new InvalidOperationException($"{path} exists already; revoke it first (autobuilder certs revoke {name}) or replace it with --force");
        using var caKey = LoadAuthorityKey();
        using var authority = LoadAuthority().CopyWithPrivateKey(caKey);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(CertificateNames.Organization);
        subject.AddOrganizationalUnitName(role.Name());
        subject.AddCommonName(name);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection { new Oid(CertificateNames.ClientAuthOid) };
        if (role == AccessRole.Silo)
        {
            // A silo is a TLS server (its gateway and silo ports) and a client of the other silos.
            usages.Add(new Oid(CertificateNames.ServerAuthOid));
            usages.Add(new Oid(CertificateNames.SiloUsageOid));
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(CertificateNames.SiloHostName);
            request.CertificateExtensions.Add(names.Build());
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // a positive serial number, as RFC 5280 asks
        var notAfter = now.Add(validity) < authority.NotAfter ? now.Add(validity) : new DateTimeOffset(authority.NotAfter.ToUniversalTime());
        using var certificate = request.Create(authority, now.AddMinutes(-5), notAfter, serial);
        Credential.Write(path, certificate, key, authority);
        var issued = Path.Combine(Folder, "issued");
        Directory.CreateDirectory(issued);
        File.WriteAllText(Path.Combine(issued, certificate.SerialNumber.ToLowerInvariant() + ".crt"), certificate.ExportCertificatePem() + "\n");
        return new IssuedCertificate(name, role, certificate.SerialNumber.ToLowerInvariant(), certificate.NotAfter.ToUniversalTime(), null, path);
    }

    /// <summary>Revokes every certificate issued to <paramref name="name"/> and deletes its key file; returns the serials revoked.</summary>
    public IReadOnlyList<string> Revoke(string name)
    {
        var now = DateTimeOffset.UtcNow;
        var serials = List().Where(c => c.Name == name && c.RevokedAt is null).Select(c => c.Serial).ToList();
        foreach (var serial in serials)
            RevocationList.Append(RevokedPath, serial, name, now);
        foreach (var path in new[] { UserPath(name), SiloPath(name) })
            File.Delete(path);
        return serials;
    }

    /// <summary>Every certificate issued, newest last, with its revocation if any.</summary>
    public IReadOnlyList<IssuedCertificate> List()
    {
        var issued = Path.Combine(Folder, "issued");
        if (!Directory.Exists(issued))
            return [];
        var revoked = new RevocationList(RevokedPath).Entries;
        var list = new List<(DateTime, IssuedCertificate)>();
        foreach (var file in Directory.EnumerateFiles(issued, "*.crt"))
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(file);
            var identity = CertificateIdentity.Of(certificate);
            var path = identity.Role == AccessRole.Silo ? SiloPath(identity.Name) : UserPath(identity.Name);
            list.Add((certificate.NotBefore, new IssuedCertificate(identity.Name, identity.Role, identity.Serial, certificate.NotAfter.ToUniversalTime(),
                revoked.TryGetValue(identity.Serial, out var r) ? r.At : null, path)));
        }
        return [.. list.OrderBy(e => e.Item1).Select(e => e.Item2)];
    }

    /// <summary>A dashboard token for <paramref name="name"/>: its role, signed by the CA, valid for <paramref name="validity"/>.</summary>
    public string Token(string name, TimeSpan validity)
    {
        var current = List().LastOrDefault(c => c.Name == name && c.RevokedAt is null && c.NotAfter > DateTime.UtcNow)
            ?? throw new InvalidOperationException($"'{name}' holds no valid certificate; issue one first (autobuilder certs issue {name} --role reader)");
        using var key = LoadAuthorityKey();
        return DashboardToken.Create(key, name, current.Role, DateTimeOffset.UtcNow, validity);
    }

    private ECDsa LoadAuthorityKey()
    {
        if (!File.Exists(AuthorityKeyPath))
            throw new FileNotFoundException($"the CA key {AuthorityKeyPath} is not here: issue certificates where the CA was made (autobuilder certs init)", AuthorityKeyPath);
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(AuthorityKeyPath));
        return key;
    }

    /// <summary>The certificates folder: 0700, so no build or other account lists or reads it.</summary>
    public static void CreatePrivateFolder(string folder)
    {
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var sub in new[] { "silos", "users", "issued" })
            Directory.CreateDirectory(Path.Combine(folder, sub), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

/// <summary>A certificate the CA gave out, as <c>certs list</c> shows it.</summary>
public sealed record IssuedCertificate(string Name, AccessRole Role, string Serial, DateTime NotAfter, DateTimeOffset? RevokedAt, string Path);

/// <summary>
/// A token for the dashboard (HTTP basic authentication: the name as user, the token as password):
/// "v1.NAME.ROLE.ISSUED.EXPIRES.SIGNATURE", signed by the CA key, checked with the CA certificate.
/// </summary>
public static class DashboardToken
{
    public static string Create(ECDsa caKey, string name, AccessRole role, DateTimeOffset issued, TimeSpan validity)
    {
        var payload = Payload(name, role, issued.ToUnixTimeSeconds(), issued.Add(validity).ToUnixTimeSeconds());
        var signature = caKey.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256);
        return payload + "." + Base64Url(signature);
    }

    /// <summary>Why <paramref name="token"/> does not admit <paramref name="name"/> now, or null.</summary>
    public static string? Problem(string token, string name, CertificateTrust trust, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 6 || parts[0] != "v1")
            return "not an autobuilder dashboard token (make one with: autobuilder certs token NAME)";
        if (parts[1] != name)
            return $"the token is for '{parts[1]}', not '{name}'";
        if (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return "the token is damaged";
        byte[] signature;
        try
        {
            signature = FromBase64Url(parts[5]);
        }
        catch (FormatException)
        {
            return "the token is damaged";
        }
        using var key = trust.Authority.GetECDsaPublicKey()!;
        if (!key.VerifyData(Encoding.UTF8.GetBytes(string.Join('.', parts[..5])), signature, HashAlgorithmName.SHA256))
            return "the token was not signed by this autobuilder's certificate authority";
        if (now.ToUnixTimeSeconds() > expires)
            return $"the token expired at {DateTimeOffset.FromUnixTimeSeconds(expires):u}";
        if (trust.Revocations.RevokedAt(name) is { } revoked && revoked.ToUnixTimeSeconds() >= issued)
            return $"'{name}' was revoked at {revoked:u}";
        return null;
    }

    private static string Payload(string name, AccessRole role, long issued, long expires) =>
        string.Join('.', "v1", name, role.Name(), issued.ToString(CultureInfo.InvariantCulture), expires.ToString(CultureInfo.InvariantCulture));

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }
}
