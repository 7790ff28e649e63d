using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// What the web pages know of an account beyond the directory (key 0, on the garage): its web role
/// and its password's hash (PBKDF2). Kept apart from the directory's store so the pages' logins add
/// no column to it; an account removed from the directory can no longer log in, whatever is here.
/// </summary>
public interface IWebLoginGrain : IGrainWithIntegerKey
{
    /// <summary><c>accounts role set LOGIN ROLE</c>: who may act in the pages. Admins only: it hands out operator rights.</summary>
    [Admin]
    Task<AccountChange> SetRoleAsync(string login, WebRole role);

    /// <summary><c>accounts password set LOGIN</c>: only the hash is kept. The secret never appears in the audit log (see <see cref="WebPassword.ToString"/>).</summary>
    [Operator]
    Task<AccountChange> SetPasswordAsync(WebPassword password);

    /// <summary>Every account with a role or a password set here.</summary>
    [Reader]
    Task<IReadOnlyList<WebLoginInfo>> ListAsync();

    /// <summary>The account's web role (<see cref="WebRole.Uploader"/> when none was set).</summary>
    [SiloOnly]
    Task<WebRole> RoleAsync(string login);

    /// <summary>Whether <paramref name="password"/> is the account's password (false when it has none).</summary>
    [SiloOnly]
    Task<bool> VerifyPasswordAsync(string login, string password);
}

/// <summary>
/// A web user's role. Each may do what the ones below it may: a reader reads, an uploader also
/// sees its own uploads, keys and rights (every account is one unless set otherwise), an operator
/// also retries, cancels, rescores and promotes, an admin also rolls back.
/// </summary>
public enum WebRole
{
    Reader = 1,
    Uploader = 2,
    Operator = 3,
    Admin = 4,
}

public static class WebRoles
{
    public static string Name(this WebRole role) => role.ToString().ToLowerInvariant();

    public static WebRole? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "reader" => WebRole.Reader,
        "uploader" => WebRole.Uploader,
        "operator" => WebRole.Operator,
        "admin" => WebRole.Admin,
        _ => null,
    };

    /// <summary>The console role the same person would need for the same action (the grain methods' roles).</summary>
    public static AccessRole Access(this WebRole role) => role switch
    {
        WebRole.Admin => AccessRole.Admin,
        WebRole.Operator => AccessRole.Operator,
        _ => AccessRole.Reader,
    };
}

/// <summary>A new password for an account; printed (and so audited) without the secret.</summary>
[GenerateSerializer, Immutable]
public sealed record WebPassword([property: Id(0)] string Login, [property: Id(1)] string Secret)
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 1024;

    public override string ToString() => $"WebPassword {{ Login = {Login}, Secret = (hidden) }}";
}

[GenerateSerializer, Immutable]
public sealed record WebLoginInfo(
    [property: Id(0)] string Login,
    [property: Id(1)] WebRole Role,
    [property: Id(2)] bool HasPassword,
    [property: Id(3)] DateTimeOffset? PasswordSetAt);
