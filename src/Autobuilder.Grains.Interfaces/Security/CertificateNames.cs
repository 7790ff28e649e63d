using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Autobuilder.Grains.Security;

/// <summary>Names and object identifiers of the autobuilder's certificates.</summary>
public static partial class CertificateNames
{
    /// <summary>
    /// Extended key usage only silo certificates carry: the silo-to-silo port requires it, so a
    /// user's certificate cannot join the cluster as a silo. (A 2.25 UUID arc: ours without registration.)
    /// </summary>
    public const string SiloUsageOid = "2.25.123604873259840615960675491122773995794";

    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>The DNS name every silo certificate carries and every client checks: silos are known by their CA, not their address.</summary>
    public const string SiloHostName = "autobuilder-silo";

    public const string Organization = "autobuilder";

    /// <summary>Why <paramref name="name"/> cannot name a certificate (it becomes a file name), or null.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "a certificate needs a name";
        if (!NamePattern().IsMatch(name))
            return $"'{name}' is not a certificate name: use 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit";
        return null;
    }

    /// <summary>A name for the user running this process (the embedded default's admin certificate).</summary>
    public static string ForCurrentUser()
    {
        var user = Environment.UserName.ToLowerInvariant();
        return Problem(user) is null ? user : "admin";
    }

    public static string NewSerial() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
