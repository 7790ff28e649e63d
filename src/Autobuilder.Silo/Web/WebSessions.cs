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
/// The pages' logins. The cookie carries 32 random bytes and nothing else; sessions are keyed by
/// their SHA-256, so nothing kept could make a cookie. They are durable (IWebSessionGrain, in the
/// grain state: a silo restart logs no one out) and cached here; each request looks its session up
/// once (<see cref="LoadAsync"/>). HttpOnly (no script reads it), SameSite=Strict (a foreign site's
/// request never carries it), Secure when the pages speak TLS.
/// </summary>
public sealed class WebSessions(WebOptions options, TimeProvider time, IGrainFactory grains)
{
    public const string Cookie = "ab_session";
    /// <summary>The login form's own anti-forgery token (double submit: cookie and field must match), before any session exists.</summary>
    public const string LoginCookie = "ab_login";
    public const string CsrfField = "csrf";
    private const int MaxSessions = 10_000;
    private static readonly object LoadedItem = new();

    private readonly ConcurrentDictionary<string, WebSession> _sessions = new(StringComparer.Ordinal);

    private IWebSessionGrain Store => grains.GetGrain<IWebSessionGrain>(0);

    /// <summary>Finds the request's session (cache, else the durable store) and keeps it for <see cref="Current"/>.</summary>
    public async Task<WebSession?> LoadAsync(HttpContext context)
    {
        WebSession? session = null;
        if (context.Request.Cookies[Cookie] is { Length: > 0 and < 100 } value)
        {
            var key = Key(value);
            if (!_sessions.TryGetValue(key, out session) && await Store.FindAsync(key) is { } stored)
            {
                session = new WebSession(stored.Login, stored.Role, stored.Csrf, stored.Expires);
                if (_sessions.Count >= MaxSessions)
                    Prune();
                _sessions[key] = session;
            }
            if (session is not null && session.Expires <= time.GetUtcNow())
            {
                _sessions.TryRemove(key, out _);
                session = null;
            }
        }
        context.Items[LoadedItem] = session;
        return session;
    }

    /// <summary>The session <see cref="LoadAsync"/> found for this request.</summary>
    public WebSession? Current(HttpContext context) => context.Items.TryGetValue(LoadedItem, out var s) ? s as WebSession : null;

    public async Task<WebSession> StartAsync(HttpContext context, string login, WebRole role)
    {
        if (_sessions.Count >= MaxSessions)
            Prune();
        var value = Random();
        var session = new WebSession(login, role, Random(), time.GetUtcNow().AddHours(options.SessionHours));
        // Durable before the cookie goes out: a restart right after the login keeps it.
        await Store.StartAsync(Key(value), new StoredWebSession(login, role, session.Csrf, session.Expires));
        _sessions[Key(value)] = session;
        context.Items[LoadedItem] = session;
        context.Response.Cookies.Append(Cookie, value, CookieOptions(session.Expires));
        context.Response.Cookies.Delete(LoginCookie, CookieOptions(null));
        return session;
    }

    public async Task EndAsync(HttpContext context)
    {
        if (context.Request.Cookies[Cookie] is { Length: > 0 and < 100 } value)
        {
            _sessions.TryRemove(Key(value), out _);
            await Store.EndAsync(Key(value));
        }
        context.Items[LoadedItem] = null;
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
