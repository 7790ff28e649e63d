using System.Text;
using Autobuilder.Grains;
using Microsoft.AspNetCore.Http;

namespace Autobuilder.Silo.HttpUpload;

/// <summary>
/// HTTP basic authentication of an uploader: the account's login as user name and one of its
/// tokens (<c>autobuilder accounts token add LOGIN</c>) as password. The directory compares the
/// token with its stored hash; a disabled account, a revoked or expired token and a wrong one all
/// answer "no" alike, so the answer tells a guesser nothing. The header is never logged.
/// </summary>
public static class HttpUploadAuth
{
    public const string Challenge = "Basic realm=\"autobuilder upload\", charset=\"UTF-8\"";

    /// <summary>Longest token looked at; real ones are far shorter.</summary>
    private const int MaxTokenLength = 512;

    /// <summary>The login and token the request offers, or null (no header, another scheme, damaged).</summary>
    public static (string Login, string Token)? Offered(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length > 4 * MaxTokenLength)
            return null;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(header[scheme.Length..].Trim()));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1 || text.Length - colon - 1 > MaxTokenLength)
            return null;
        var login = text[..colon];
        return AccountNames.IsValidLogin(login) ? (login, text[(colon + 1)..]) : null;
    }

    /// <summary>The account the request authenticates as, or null; the directory grain decides.</summary>
    public static async Task<string?> VerifyAsync(IGrainFactory grains, (string Login, string Token) offered)
    {
        var login = await grains.GetGrain<IAccountDirectoryGrain>(0).VerifyTokenAsync(offered.Login, offered.Token);
        return login == offered.Login ? login : null;
    }
}
