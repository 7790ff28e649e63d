using System.Security.Cryptography;
using System.Text;
using Autobuilder.Grains.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Silo.Dashboard;

/// <summary>
/// HTTP basic authentication for the dashboard, in every binding, loopback included: a user name
/// with a token from <c>autobuilder certs token NAME</c> (signed by the CA, refused once NAME is
/// revoked), or the one user name and password from configuration (compared in constant time).
/// Anything else gets 401 with a challenge, so a browser asks. A browser logged in to the status
/// pages as an operator (their session cookie: cookies are per host, not per port) is let in too.
/// </summary>
public sealed class BasicAuthentication(RequestDelegate next, DashboardSettings settings)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}");

    public async Task InvokeAsync(HttpContext context)
    {
        // The session is read from its grain (sessions are durable), once per request.
        if (Authorized(context, context.Request.Headers.Authorization.ToString())
            || (context.RequestServices.GetService<Web.WebSessions>() is { } sessions
                && await sessions.LoadAsync(context) is { Role: >= Grains.WebRole.Operator }))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"autobuilder\", charset=\"UTF-8\"";
    }

    private bool Authorized(HttpContext context, string header)
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
        if (settings.RequiresAuthentication && CryptographicOperations.FixedTimeEquals(given, _expected))
            return true;
        // A token: the user is the certificate's name, the password the token the CA signed for it.
        var text = Encoding.UTF8.GetString(given);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
               && context.RequestServices.GetService<CertificateTrust>() is { } trust
               && DashboardToken.Problem(text[(colon + 1)..], text[..colon], trust, DateTimeOffset.UtcNow) is null;
    }
}
