using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Silo.HttpUpload;

/// <summary>
/// The HTTP upload inside the garage silo's web host (the one the dashboard uses): its own Kestrel
/// endpoint on its own port, TLS unless turned off, and its own branch of the pipeline, chosen by
/// the local port, so the dashboard's login and host list never apply to it nor its to the dashboard.
/// </summary>
public static class HttpUploadHosting
{
    public const string Section = "Autobuilder:Uploaders:Http";
    public const string CertificateName = "http-upload";

    /// <summary>The options, checked; a mistake is an <see cref="InvalidOperationException"/> the silo prints in one line.</summary>
    public static HttpUploadOptions Options(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<HttpUploadOptions>() ?? new HttpUploadOptions();
        var incomplete = configuration.GetValue("Autobuilder:IncompleteUploadSeconds", new AutobuilderOptions().IncompleteUploadSeconds);
        if (options.Problem(incomplete) is { } problem)
            throw new InvalidOperationException(problem);
        return options;
    }

    public static void ListenForHttpUpload(this WebApplicationBuilder web, HttpUploadOptions options, string certificatesFolder)
    {
        X509Certificate2? certificate = null;
        if (options.Tls)
            certificate = Certificate(options, certificatesFolder);
        else
            Console.Error.WriteLine($"autobuilder-silo: warning: the HTTP upload on {options.Address}:{options.Port} is plain HTTP " +
                                    "(Autobuilder:Uploaders:Http:Tls is false): tokens travel readable; only behind a TLS proxy on this host");
        web.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Parse(options.Address), options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (certificate is not null)
                    listen.UseHttps(certificate, https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
            });
        });
        // The web host's global host filter (ASP.NET's default, set to the dashboard's names when it
        // is served) sees the upload's requests first: let the upload's names through it; the
        // upload's branch then checks its own list.
        web.Services.PostConfigure<HostFilteringOptions>(o =>
        {
            if (o.AllowedHosts.Count > 0 && !o.AllowedHosts.Contains("*"))
                o.AllowedHosts = [.. o.AllowedHosts.Union(HttpUploadEndpoint.AllowedHosts(options), StringComparer.OrdinalIgnoreCase)];
        });
        web.Services.AddSingleton<FormToken>();
        web.Services.AddSingleton(sp => new LoginThrottle(sp.GetRequiredService<TimeProvider>(), options.MaxFailedLogins));
        web.Services.AddSingleton<HttpUploadEndpoint>();
        web.Services.AddHostedService<HttpAreaExpiry>();
    }

    /// <summary>Requests to the upload's port go to the upload and nowhere else; call before the dashboard's middleware.</summary>
    public static void MapHttpUpload(this WebApplication app, HttpUploadOptions options)
    {
        var endpoint = app.Services.GetRequiredService<HttpUploadEndpoint>();
        app.MapWhen(context => context.Connection.LocalPort == options.Port,
            branch => branch.Run(endpoint.HandleAsync));
    }

    /// <summary>
    /// The configured certificate and key, or the one the autobuilder's CA issued for the upload
    /// (made, or made again when it lacks a configured host name or ends within 30 days, where the CA key is).
    /// </summary>
    public static X509Certificate2 Certificate(HttpUploadOptions options, string certificatesFolder)
    {
        if (options.CertificateFile.Length > 0)
            return Load(options.CertificateFile, options.KeyFile.Length > 0 ? options.KeyFile : null, "Autobuilder:Uploaders:Http:CertificateFile");
        var authority = new CertificateAuthority(certificatesFolder);
        var path = authority.WebPath(CertificateName);
        var names = HostNames(options);
        if (!Covers(path, names))
        {
            if (!authority.Exists || !authority.CanIssue)
            {
                throw new InvalidOperationException(
                    $"the HTTP upload needs a TLS certificate: set Autobuilder:Uploaders:Http:CertificateFile (and KeyFile), or start this silo where the autobuilder's CA key is ({authority.AuthorityKeyPath}), or copy {path} here");
            }
            authority.IssueWebServer(CertificateName, names, CertificateAuthority.DefaultValidity);
            Console.Error.WriteLine($"autobuilder-silo: made the HTTP upload's TLS certificate {path} for {string.Join(", ", names)} " +
                                    $"(clients trust {authority.AuthorityPath}: SSL_CERT_FILE for dput)");
        }
        return Load(path, null, path);
    }

    /// <summary>The names the CA-issued certificate carries: the configured host names, loopback, and the listen address when it is a specific one.</summary>
    public static IReadOnlyList<string> HostNames(HttpUploadOptions options)
    {
        var names = new List<string>(options.HostNames) { "localhost", "127.0.0.1", "::1" };
        var address = IPAddress.Parse(options.Address);
        if (!address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
            names.Add(address.ToString());
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static bool Covers(string path, IReadOnlyList<string> names)
    {
        if (!File.Exists(path))
            return false;
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
            return certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddDays(30)
                   && names.All(n => certificate.MatchesHostname(n, allowWildcards: false, allowCommonName: false));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static X509Certificate2 Load(string certificateFile, string? keyFile, string what)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            // SslStream on Linux wants a key it can hand to OpenSSL: a PKCS#12 round trip gives one.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"{what}: cannot load the TLS certificate and key from {certificateFile}{(keyFile is null ? "" : " and " + keyFile)}: {ex.Message}");
        }
    }
}
