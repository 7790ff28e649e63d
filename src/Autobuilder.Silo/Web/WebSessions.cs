using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Microsoft.AspNetCore.Http;

namespace Autobuilder.Silo.Web;

/// <summary>A logged-in web user: the account, its role when it logged in, and the anti-forgery token of its forms.</summary>
public sealed record WebSession(string Login, WebRole Role, string Csrf, DateTimeOffset Expires);

/// <summary>
/// The pages' logins, held in this silo's memory only (a restart logs everyone out). The cookie
/// carries 32 random bytes and nothing else; the table is keyed by their SHA-256, so the table
/// holds nothing a cookie could be made from. HttpOnly (no script reads it), SameSite=Strict (a
/// foreign site's request never carries it), Secure when the pages speak TLS.
/// </summary>
public sealed class WebSessions(WebOptions options, TimeProvider time)
{
    public const string Cookie = "ab_session";
    /// <summary>The login form's own anti-forgery token (double submit: cookie and field must match), before any session exists.</summary>
    public const string LoginCookie = "ab_login";
    public const string CsrfField = "csrf";
    private const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, WebSession> _sessions = new(StringComparer.Ordinal);

    public WebSession? Current(HttpContext context)
    {
        if (context.Request.Cookies[Cookie] is not { Length: > 0 and < 100 } value)
            return null;
        var key = Key(value);
        if (!_sessions.TryGetValue(key, out var session))
            return null;
        if (session.Expires <= time.GetUtcNow())
        {
            _sessions.TryRemove(key, out _);
            return null;
        }
        return session;
    }

    public WebSession Start(HttpContext context, string login, WebRole role)
    {
        if (_sessions.Count >= MaxSessions)
            Prune();
        var value = Random();
        var session = new WebSession(login, role, Random(), time.GetUtcNow().AddHours(options.SessionHours));
        _sessions[Key(value)] = session;
        context.Response.Cookies.Append(Cookie, value, CookieOptions(session.Expires));
        context.Response.Cookies.Delete(LoginCookie, CookieOptions(null));
        return session;
    }

    public void End(HttpContext context)
    {
        if (context.Request.Cookies[Cookie] is { Length: > 0 and < 100 } value)
            _sessions.TryRemove(Key(value), out _);
        context.Response.Cookies.Delete(Cookie, CookieOptions(null));
    }

    /// <summary>The login form's token: the one its cookie already holds, or a new one set now.</summary>
    public string LoginToken(HttpContext context)
    {
        if (context.Request.Cookies[LoginCookie] is { Length: 43 } existing)
            return existing;
        var token = Random();
        context.Response.Cookies.Append(LoginCookie, token, CookieOptions(time.GetUtcNow().AddHours(1)));
        return token;
    }

    /// <summary>Whether the login form's field matches its cookie (a foreign page can set neither).</summary>
    public static bool LoginTokenMatches(HttpContext context, string? field) =>
        context.Request.Cookies[LoginCookie] is { Length: 43 } cookie && field is { Length: 43 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie), Encoding.ASCII.GetBytes(field));

    public static bool CsrfMatches(WebSession session, string? field) =>
        field is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(session.Csrf), Encoding.ASCII.GetBytes(field));

    private CookieOptions CookieOptions(DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = options.Tls,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (key, session) in _sessions)
        {
            if (session.Expires <= now)
                _sessions.TryRemove(key, out _);
        }
        // Still full: the oldest logins go first.
        foreach (var (key, _) in _sessions.OrderBy(s => s.Value.Expires).Take(Math.Max(0, _sessions.Count - MaxSessions + 1)))
            _sessions.TryRemove(key, out _);
    }

    private static string Random() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Key(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
