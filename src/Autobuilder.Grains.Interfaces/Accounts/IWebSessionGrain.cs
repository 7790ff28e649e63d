using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The web pages' logins, kept durable (key 0, on the garage) so a silo restart logs no one out.
/// Keyed by the SHA-256 of the cookie's random value: nothing stored lets anyone make a cookie.
/// Bounded: expired sessions are dropped, and past the limit the oldest go first.
/// </summary>
public interface IWebSessionGrain : IGrainWithIntegerKey
{
    [SiloOnly]
    Task StartAsync(string key, StoredWebSession session);

    /// <summary>The session of this key, or null (none, or expired).</summary>
    [SiloOnly]
    Task<StoredWebSession?> FindAsync(string key);

    [SiloOnly]
    Task EndAsync(string key);
}

/// <summary>A logged-in web user as stored: the account, its role when it logged in, its forms' anti-forgery token, its expiry.</summary>
[GenerateSerializer, Immutable]
public sealed record StoredWebSession(
    [property: Id(0)] string Login,
    [property: Id(1)] WebRole Role,
    [property: Id(2)] string Csrf,
    [property: Id(3)] DateTimeOffset Expires);
