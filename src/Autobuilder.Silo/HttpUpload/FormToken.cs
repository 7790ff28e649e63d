using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Autobuilder.Silo.HttpUpload;

/// <summary>
/// The web form's anti-forgery token: HMAC-SHA256 over the login and an expiry, with a key that
/// lives only in this silo process. A browser sends the basic-auth credentials with any request to
/// this site, including one a foreign page makes it send; only a page of ours, shown to that
/// login, holds a token. ASP.NET Core's antiforgery reads the whole form before it can answer,
/// which would buffer the files; this token is the form's first field, so it is checked before a
/// byte of any file is stored. A silo restart makes open forms stale (the uploader reloads).
/// </summary>
public sealed class FormToken(TimeProvider time)
{
    public const string Field = "csrf";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Issue(string login)
    {
        var expires = time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return expires + "." + Convert.ToHexStringLower(Mac(login, expires));
    }

    /// <summary>Why <paramref name="token"/> does not stand for a form shown to <paramref name="login"/>, or null.</summary>
    public string? Problem(string login, string? token)
    {
        const string reload = "reload the upload form and send it again";
        if (string.IsNullOrEmpty(token))
            return $"the form's anti-forgery token is missing (the request did not come from our form): {reload}";
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return $"the form's anti-forgery token is damaged: {reload}";
        byte[] given;
        try
        {
            given = Convert.FromHexString(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return $"the form's anti-forgery token is damaged: {reload}";
        }
        if (!CryptographicOperations.FixedTimeEquals(given, Mac(login, token[..dot])))
            return $"the form's anti-forgery token was not issued to '{login}' by this silo (or the silo restarted since): {reload}";
        if (time.GetUtcNow().ToUnixTimeSeconds() > expires)
            return $"the form's anti-forgery token expired: {reload}";
        return null;
    }

    private byte[] Mac(string login, string expires) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"autobuilder-upload-form\n{login}\n{expires}"));
}
