using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Autobuilder.Grains.Security;

/// <summary>
/// A certificate with its private key and the CA that issued it, as one PEM file readable only by
/// its owner (0600): what a silo or a console needs to connect, and all it needs.
/// </summary>
public sealed class Credential : IDisposable
{
    private Credential(X509Certificate2 certificate, X509Certificate2 authority, string path)
    {
        Certificate = certificate;
        Authority = authority;
        Path = path;
        Identity = CertificateIdentity.Of(certificate);
    }

    public X509Certificate2 Certificate { get; }
    public X509Certificate2 Authority { get; }
    public string Path { get; }
    public CertificateIdentity Identity { get; }

    public static Credential Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"no certificate file {path}", path);
        var pem = File.ReadAllText(path);
        var certificates = new List<X509Certificate2>();
        foreach (var block in PemBlocks(pem, "CERTIFICATE"))
            certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(block)));
        if (certificates.Count != 2)
            throw new InvalidDataException($"{path} is not an autobuilder certificate file (expected the certificate, then its CA, then the key)");
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{path} holds no private key: {ex.Message}");
        }
        var withKey = certificates[0].CopyWithPrivateKey(key);
        // SslStream on Linux wants a certificate whose key it can hand to OpenSSL: a PKCS#12 round trip gives one.
        var usable = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        certificates[0].Dispose();
        withKey.Dispose();
        return new Credential(usable, certificates[1], path);
    }

    /// <summary>Writes certificate, CA and key to <paramref name="path"/>, created 0600 (never readable by others, not even briefly).</summary>
    public static void Write(string path, X509Certificate2 certificate, ECDsa key, X509Certificate2 authority)
    {
        var text = new StringBuilder()
            .AppendLine(certificate.ExportCertificatePem())
            .AppendLine(authority.ExportCertificatePem())
            .AppendLine(key.ExportPkcs8PrivateKeyPem())
            .ToString();
        WritePrivate(path, text);
    }

    /// <summary>Creates or replaces a file with mode 0600 from the start, through a temporary name.</summary>
    public static void WritePrivate(string path, string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(text);
        File.Move(temporary, path, overwrite: true);
    }

    private static IEnumerable<string> PemBlocks(string pem, string label)
    {
        var begin = $"-----BEGIN {label}-----";
        var end = $"-----END {label}-----";
        var at = 0;
        while ((at = pem.IndexOf(begin, at, StringComparison.Ordinal)) >= 0)
        {
            var start = at + begin.Length;
            var stop = pem.IndexOf(end, start, StringComparison.Ordinal);
            if (stop < 0)
                yield break;
            yield return string.Concat(pem[start..stop].Where(c => !char.IsWhiteSpace(c)));
            at = stop + end.Length;
        }
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Authority.Dispose();
    }
}
