using Autobuilder.Grains.Security;

namespace Autobuilder.Admin.Cluster;

/// <summary>
/// Which certificate the console presents: --cert, else $AUTOBUILDER_CERT, else the one the embedded
/// default made for this user (&lt;data root&gt;/certs/users/&lt;user&gt;.pem of silo-config/all.json,
/// from here or from the checkout this console was built in), else ~/.config/autobuilder/client.pem.
/// </summary>
public static class ClientCertificate
{
    public static Credential Load(string? given)
    {
        var candidates = Candidates(given).ToList();
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            throw new ConsoleException(
                $"no client certificate (looked for {string.Join(", ", candidates)}): pass --cert FILE or set AUTOBUILDER_CERT; " +
                "an admin makes one with: autobuilder certs issue NAME --role reader");
        }
        Credential credential;
        try
        {
            credential = Credential.Load(path);
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConsoleException($"{path} is not a usable certificate file: {ex.Message}");
        }
        var now = DateTime.Now;
        if (credential.Certificate.NotAfter < now)
            throw new ConsoleException($"your certificate {path} ('{credential.Identity.Name}') expired on {credential.Certificate.NotAfter:u}; ask an admin for a new one (autobuilder certs issue)");
        return credential;
    }

    private static IEnumerable<string> Candidates(string? given)
    {
        if (given is not null)
        {
            yield return Path.GetFullPath(given);
            yield break;
        }
        if (Environment.GetEnvironmentVariable("AUTOBUILDER_CERT") is { Length: > 0 } fromEnvironment)
        {
            yield return Path.GetFullPath(fromEnvironment);
            yield break;
        }
        var user = CertificateNames.ForCurrentUser();
        if (SiloConfigFile.Read(null).DataRoot is { } dataRoot)
            yield return Path.GetFullPath(Path.Combine(dataRoot, "certs", "users", user + ".pem"));
        // ./autobuilder run from another folder: the checkout the console was built in (src/Autobuilder.Admin/bin/Release/net10.0/).
        var checkout = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var shipped = Path.Combine(checkout, SiloConfigFile.Default);
        if (File.Exists(shipped) && SiloConfigFile.Read(shipped).DataRoot is { } shippedRoot)
            yield return Path.GetFullPath(Path.Combine(checkout, shippedRoot, "certs", "users", user + ".pem"));
        yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "autobuilder", "client.pem");
    }
}
