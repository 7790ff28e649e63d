using System.Security.Cryptography;
using System.Text;

namespace Autobuilder.Grains.Accounts;

/// <summary>
/// HTTP upload tokens. Format: <c>abt.ID.SECRET</c>, where ID is 8 lower-case hex digits (public:
/// listed, named in revocations and logs) and SECRET is 32 random bytes in unpadded base64url (43
/// characters). The whole token is the password of HTTP basic authentication (login as user name),
/// which is what dput's https method sends. The "abt." prefix lets secret scanners and people tell
/// what it is; '.' is not a base64url character, so the parts split without ambiguity.
/// Only SHA-256 of the whole token is stored: with 256 random bits a slow password hash adds
/// nothing, and a leaked store gives no usable token. Compared in constant time.
/// </summary>
public static class AccessTokens
{
    public const string Prefix = "abt.";

    /// <summary>A new token: its id, the secret to show once, and the hash to keep.</summary>
    public static (string Id, string Token, string Hash) Create(Func<string, bool> idTaken)
    {
        string id;
        do
            id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        while (idTaken(id));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = $"{Prefix}{id}.{secret}";
        return (id, token, HashOf(token));
    }

    /// <summary>The id part of a well-formed token, else null.</summary>
    public static string? IdOf(string? token)
    {
        if (token is null || token.Length != Prefix.Length + 8 + 1 + 43 || !token.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var id = token.Substring(Prefix.Length, 8);
        if (token[Prefix.Length + 8] != '.' || !id.All(Uri.IsHexDigit))
            return null;
        return id.ToLowerInvariant();
    }

    /// <summary>Lower-case hex of SHA-256 over the token's UTF-8 bytes.</summary>
    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether <paramref name="token"/> hashes to <paramref name="storedHash"/>, in time independent of where they differ.</summary>
    public static bool Matches(string token, string storedHash)
    {
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        byte[] expected;
        try
        {
            expected = Convert.FromHexString(storedHash);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
