using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Autobuilder.Silo.Dashboard;

/// <summary>
/// HTTP basic authentication for the dashboard: one user name and password from configuration,
/// compared in constant time. Anything else gets 401 with a challenge, so a browser asks.
/// </summary>
public sealed class BasicAuthentication(RequestDelegate next, DashboardSettings settings)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}");

    public async Task InvokeAsync(HttpContext context)
    {
        if (Authorized(context.Request.Headers.Authorization.ToString()))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"autobuilder\", charset=\"UTF-8\"";
    }

    private bool Authorized(string header)
    {
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        byte[] given;
        try
        {
            given = Convert.FromBase64String(header[scheme.Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }
}
