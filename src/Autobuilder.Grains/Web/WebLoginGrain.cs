using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Autobuilder.Grains.Placement;

namespace Autobuilder.Grains.Web;

/// <summary>The web logins' one activation, on the garage; its whole (small) state is written on each change.</summary>
[RolePlacement(SiloRoles.Garage)]
public sealed class WebLoginGrain(
    [PersistentState("weblogins", "state")] IPersistentState<WebLoginGrainState> state,
    TimeProvider time) : Grain, IWebLoginGrain
{
    async Task<AccountChange> IWebLoginGrain.SetRoleAsync(string login, WebRole role)
    {
        if (!Enum.IsDefined(role))
            throw new ArgumentException($"'{role}' is not a web role (reader, uploader, operator, admin)");
        await RequireAccountAsync(login);
        var entry = Entry(login);
        if (entry.Role == role)
            return new AccountChange(false, $"{login} already has the web role {role.Name()}");
        entry.Role = role;
        await state.WriteStateAsync();
        return new AccountChange(true, $"{login} has the web role {role.Name()} (from the next login on)");
    }

    async Task<AccountChange> IWebLoginGrain.SetPasswordAsync(WebPassword password)
    {
        if (password.Secret.Length is < WebPassword.MinimumLength or > WebPassword.MaximumLength)
            throw new ArgumentException($"the password must have {WebPassword.MinimumLength} to {WebPassword.MaximumLength} characters (it has {password.Secret.Length})");
        await RequireAccountAsync(password.Login);
        var entry = Entry(password.Login);
        entry.PasswordHash = PasswordHash.Make(password.Secret);
        entry.PasswordSetAt = time.GetUtcNow();
        await state.WriteStateAsync();
        return new AccountChange(true, $"{password.Login} may log in to the web pages with this password (its tokens work too)");
    }

    Task<IReadOnlyList<WebLoginInfo>> IWebLoginGrain.ListAsync() =>
        Task.FromResult<IReadOnlyList<WebLoginInfo>>(state.State.Logins.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new WebLoginInfo(e.Key, e.Value.Role ?? WebRole.Uploader, e.Value.PasswordHash is not null, e.Value.PasswordSetAt)).ToList());

    Task<WebRole> IWebLoginGrain.RoleAsync(string login) =>
        Task.FromResult(state.State.Logins.TryGetValue(login, out var e) && e.Role is { } r ? r : WebRole.Uploader);

    Task<bool> IWebLoginGrain.VerifyPasswordAsync(string login, string password) =>
        Task.FromResult(state.State.Logins.TryGetValue(login, out var e) && e.PasswordHash is { } hash
                        && password.Length <= WebPassword.MaximumLength && PasswordHash.Verify(password, hash));

    private WebLoginEntry Entry(string login)
    {
        if (!state.State.Logins.TryGetValue(login, out var entry))
            state.State.Logins[login] = entry = new WebLoginEntry();
        return entry;
    }

    private async Task RequireAccountAsync(string login)
    {
        if (!AccountNames.IsValidLogin(login))
            throw new ArgumentException($"'{login}' is not a login (lower-case letters, digits, '-', '_', '.')");
        if (await GrainFactory.GetGrain<IAccountDirectoryGrain>(0).GetAsync(login) is null)
            throw new ArgumentException($"no account '{login}' (autobuilder accounts add {login} …)");
    }
}

/// <summary>
/// PBKDF2-HMAC-SHA256 with a random 16-byte salt and OWASP's 600,000 iterations, stored as
/// "pbkdf2-sha256$ITERATIONS$SALT$HASH" (base64) so the count can be raised later.
/// </summary>
public static class PasswordHash
{
    public const int Iterations = 600_000;

    public static string Make(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
            return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(hash, expected);
    }
}

[GenerateSerializer]
public sealed class WebLoginGrainState
{
    [Id(0)] public Dictionary<string, WebLoginEntry> Logins { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer]
public sealed class WebLoginEntry
{
    [Id(0)] public WebRole? Role { get; set; }
    [Id(1)] public string? PasswordHash { get; set; }
    [Id(2)] public DateTimeOffset? PasswordSetAt { get; set; }
}
