using System.Net;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.HttpUpload;

/// <summary>
/// The HTTP upload (issue 11, successor of maemo.org's extras-assistant): dput's https method
/// (<c>PUT &lt;Path&gt;/&lt;product&gt;/&lt;file&gt;</c>, basic authentication with login and token) and a web
/// form at <c>&lt;Path&gt;/</c>. Each file is streamed to a hidden temporary file in the account's
/// area, http-incoming/&lt;login&gt;/&lt;product&gt;/, and renamed to its name only when complete, so
/// intake never sees half a file. Every refusal says why in the response body.
/// </summary>
public sealed partial class HttpUploadEndpoint(
    IOptions<AutobuilderOptions> options, DataPaths paths, IGrainFactory grains, FormToken formToken,
    LoginThrottle throttle, TimeProvider time, ILogger<HttpUploadEndpoint> logger)
{
    /// <summary>Temporary files of transfers in progress: hidden (intake never looks at them), removed when a transfer breaks.</summary>
    public const string TemporaryPrefix = ".ab-put-";
    public const string TemporarySuffix = ".part";

    private readonly AutobuilderOptions _options = options.Value;
    private HttpUploadOptions Http => _options.Uploaders.Http;
    private IntakeOptions Limits => _options.Intake;
    private int _inFlight;

    public async Task HandleAsync(HttpContext context)
    {
        SecurityHeaders(context.Response, Http.Tls);
        if (!HostAllowed(context.Request.Host))
        {
            await Answer(context, StatusCodes.Status400BadRequest,
                $"this server does not serve the host name '{FileNames.Printable(context.Request.Host.Host)}' (Autobuilder:Uploaders:Http:HostNames)");
            return;
        }
        if (Interlocked.Increment(ref _inFlight) > Http.MaxConnections)
        {
            Interlocked.Decrement(ref _inFlight);
            context.Response.Headers.RetryAfter = "30";
            await Answer(context, StatusCodes.Status503ServiceUnavailable, $"too many uploads at once (Autobuilder:Uploaders:Http:MaxConnections is {Http.MaxConnections}); try again shortly");
            return;
        }
        try
        {
            await DispatchAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var target = UploadTarget.Parse(rawTarget, Http.Path);
        var method = context.Request.Method;
        if (target is UploadTarget.Refused refused)
        {
            LogRefused(logger, Remote(context), "-", refused.Reason);
            await Answer(context, StatusCodes.Status400BadRequest, $"refused: {refused.Reason}");
            return;
        }
        if (target is UploadTarget.Unknown)
        {
            await Answer(context, StatusCodes.Status404NotFound, $"nothing here: uploads go to {Http.Path}/<product>/<file> (dput), the web form is at {Http.Path}/");
            return;
        }
        var allowed = target is UploadTarget.Form ? "GET, HEAD, POST" : "PUT";
        if (!allowed.Split(", ").Contains(method))
        {
            context.Response.Headers.Allow = allowed;
            await Answer(context, StatusCodes.Status405MethodNotAllowed, $"{method} is not taken here; {allowed} is");
            return;
        }

        var login = await AuthenticateAsync(context);
        if (login is null)
            return;
        switch (target)
        {
            case UploadTarget.Form when method is "GET" or "HEAD":
                await UploadForm.ShowAsync(context, login, Http.Path, _options.Products, formToken.Issue(login));
                break;
            case UploadTarget.Form:
                await new UploadForm(this, formToken).ReceiveAsync(context, login);
                break;
            case UploadTarget.File file:
                await PutAsync(context, login, file);
                break;
        }
    }

    /// <summary>The account, or null after answering 401 with a challenge (dput then asks for the password and sends the file again).</summary>
    private async Task<string?> AuthenticateAsync(HttpContext context)
    {
        var offered = HttpUploadAuth.Offered(context.Request);
        string? login = null;
        if (offered is { } o)
        {
            if (throttle.Blocked(Remote(context), o.Login) is { } wait)
            {
                LogRefused(logger, Remote(context), o.Login, "too many failed logins");
                context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Answer(context, StatusCodes.Status429TooManyRequests,
                    $"too many failed logins for '{o.Login}' from your address (Autobuilder:Uploaders:Http:MaxFailedLogins is {Http.MaxFailedLogins} a minute): try again in {Math.Ceiling(wait.TotalSeconds)} s");
                return null;
            }
            try
            {
                login = await HttpUploadAuth.VerifyAsync(grains, o);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDirectoryFailed(logger, ex, o.Login);
                await Answer(context, StatusCodes.Status503ServiceUnavailable, "the account directory did not answer; try again in a minute");
                return null;
            }
        }
        if (login is not null)
            return login;
        if (offered is not null)
        {
            throttle.Failed(Remote(context), offered.Value.Login);
            LogRefused(logger, Remote(context), offered.Value.Login, "login or token not accepted");
        }
        // dput sends the whole first file before it reads the answer: take a small body, so its
        // connection is not cut under it and it can ask for the password and send again.
        await DrainAsync(context.Request, Limits.MaxDscBytes);
        context.Response.Headers.WWWAuthenticate = HttpUploadAuth.Challenge;
        await Answer(context, StatusCodes.Status401Unauthorized, offered is null
            ? "authentication needed: your account's login as user name and one of its tokens (autobuilder accounts token add LOGIN) as password"
            : "login or token not accepted: the token is wrong, revoked or expired, or the account is disabled (ask an operator: autobuilder accounts show LOGIN)");
        return null;
    }

    private async Task PutAsync(HttpContext context, string login, UploadTarget.File file)
    {
        if (UploadNameProblem(file.Name) is { } nameProblem)
        {
            LogRefused(logger, Remote(context), login, nameProblem);
            await Answer(context, StatusCodes.Status400BadRequest, $"refused: {nameProblem}");
            return;
        }
        if (!_options.Products.Contains(file.Product, StringComparer.Ordinal))
        {
            await Answer(context, StatusCodes.Status404NotFound,
                $"refused: no product '{FileNames.Printable(file.Product)}' here; dput's incoming must be {Http.Path}/<product> with one of: {string.Join(", ", _options.Products)}");
            return;
        }
        var length = context.Request.ContentLength;
        var limit = FileLimit(file.Name);
        if (length > limit)
        {
            LogRefused(logger, Remote(context), login, $"{file.Name}: {length} bytes");
            context.Response.Headers.Connection = "close";
            await Answer(context, StatusCodes.Status413PayloadTooLarge, $"refused: {TooLarge(file.Name, length.Value, limit)}");
            return;
        }
        if (AreaProblem(login, length ?? 0) is { } full)
        {
            context.Response.Headers.Connection = "close";
            await Answer(context, StatusCodes.Status413PayloadTooLarge, $"refused: {full}");
            return;
        }
        var folder = paths.HttpIncoming(login, file.Product);
        try
        {
            var size = await StoreAsync(context, folder, file.Name, context.Request.Body, limit, context.RequestAborted);
            LogStored(logger, login, file.Product, file.Name, size);
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync(
                $"stored {file.Name} ({size} bytes) for {file.Product} in your upload area; intake takes the upload once its .dsc and files are complete " +
                $"(follow it with: autobuilder uploads list)\n");
        }
        catch (StoreException ex)
        {
            LogRefused(logger, Remote(context), login, ex.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.Connection = "close";
                await Answer(context, ex.Status, $"refused: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// Streams <paramref name="body"/> into a hidden temporary file of <paramref name="folder"/>
    /// and renames it to <paramref name="name"/> once complete (replacing a file of that name: it
    /// is the account's own area). Nothing is kept of a broken transfer. Returns the size.
    /// </summary>
    internal async Task<long> StoreAsync(HttpContext context, string folder, string name, Stream body, long limit, CancellationToken cancel)
    {
        var temporary = await ReceiveTemporaryAsync(context, folder, name, body, limit, cancel);
        try
        {
            return Commit(temporary, folder, name);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The file's bytes in a hidden temporary file of the area; the caller renames it (<see cref="Commit"/>) or deletes it.</summary>
    internal async Task<string> ReceiveTemporaryAsync(HttpContext context, string folder, string name, Stream body, long limit, CancellationToken cancel)
    {
        Directory.CreateDirectory(folder);
        // The body is bounded by the server as it streams (413 past the limit), chunked bodies too.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } max)
            max.MaxRequestBodySize = limit;
        var temporary = Path.Combine(folder, $"{TemporaryPrefix}{Guid.NewGuid():N}{TemporarySuffix}");
        long written = 0;
        try
        {
            var fileOptions = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
            };
            await using (var stream = new FileStream(temporary, fileOptions))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = await body.ReadAsync(buffer, cancel)) > 0)
                {
                    written += read;
                    if (written > limit)
                        throw new StoreException(StatusCodes.Status413PayloadTooLarge, TooLarge(name, written, limit));
                    await stream.WriteAsync(buffer.AsMemory(0, read), cancel);
                }
            }
            // No fsync: intake checks every file against the .dsc's sums before it is built, so a
            // file cut short by a power cut is rejected with that reason, not taken.
            return temporary;
        }
        catch (Exception ex)
        {
            File.Delete(temporary);
            throw ex switch
            {
                StoreException => ex,
                BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    => new StoreException(StatusCodes.Status413PayloadTooLarge, TooLarge(name, written, limit)),
                BadHttpRequestException or IOException or OperationCanceledException
                    => new StoreException(StatusCodes.Status400BadRequest, $"{name}: the transfer broke off after {written} bytes; nothing of it was kept, send it again"),
                _ => ex,
            };
        }
    }

    /// <summary>Renames a received temporary file to its name in the area (one rename: the name appears complete).</summary>
    internal static long Commit(string temporary, string folder, string name)
    {
        var size = new FileInfo(temporary).Length;
        File.Move(temporary, Path.Combine(folder, name), overwrite: true);
        return size;
    }

    /// <summary>Why <paramref name="name"/> cannot be a file of an area, or null: a plain, visible name.</summary>
    public static string? UploadNameProblem(string name) =>
        FileNames.Problem(name) is { } problem ? $"unsafe file name: {problem}"
        : name[0] == '.' ? $"unsafe file name: '{FileNames.Printable(name)}' starts with '.' (hidden files are not taken)"
        : null;

    /// <summary>A .dsc or .changes is held to the .dsc limit; any other file to the per-file one.</summary>
    internal long FileLimit(string name) =>
        name.EndsWith(".dsc", StringComparison.Ordinal) || name.EndsWith(".changes", StringComparison.Ordinal) ? Limits.MaxDscBytes : Limits.MaxFileBytes;

    internal static string TooLarge(string name, long size, long limit) =>
        $"{FileNames.Printable(name)} is {(size > limit ? "more than " : "")}{size} bytes; one file may have at most {limit} bytes " +
        $"(Autobuilder:Intake:{(name.EndsWith(".dsc", StringComparison.Ordinal) || name.EndsWith(".changes", StringComparison.Ordinal) ? "MaxDscBytes" : "MaxFileBytes")})";

    /// <summary>Why the account's area cannot take <paramref name="more"/> bytes, or null.</summary>
    internal string? AreaProblem(string login, long more)
    {
        var max = Http.MaxAreaBytes > 0 ? Http.MaxAreaBytes : Limits.MaxUploadBytes;
        var area = Path.Combine(paths.HttpIncomingRoot, login);
        long held = 0;
        if (Directory.Exists(area))
        {
            foreach (var f in new DirectoryInfo(area).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
                held += f.Length;
        }
        return held + more > max
            ? $"your upload area holds {held} bytes not yet taken by intake; {more} more would pass the {max} bytes it may hold " +
              "(Autobuilder:Uploaders:Http:MaxAreaBytes): wait until intake has taken your earlier upload"
            : null;
    }

    internal IntakeOptions IntakeLimits => Limits;
    internal double IncompleteUploadSeconds => _options.IncompleteUploadSeconds;
    internal string FormPath => Http.Path;
    internal IReadOnlyList<string> Products => _options.Products;
    internal DataPaths Paths => paths;
    internal ILogger Logger => logger;
    internal TimeProvider Time => time;

    private bool HostAllowed(HostString host)
    {
        if (!host.HasValue)
            return false;
        var name = host.Host;
        return AllowedHosts(Http).Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Host names requests may carry (no DNS rebinding through a browser): the configured ones, loopback, the listen address.</summary>
    public static IEnumerable<string> AllowedHosts(HttpUploadOptions http)
    {
        var address = IPAddress.Parse(http.Address);
        return new[] { "localhost", "127.0.0.1", "[::1]", address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString() }
            .Concat(http.HostNames).Distinct(StringComparer.OrdinalIgnoreCase);
    }

    private static void SecurityHeaders(HttpResponse response, bool tls)
    {
        var h = response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h.ContentSecurityPolicy = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        h["Referrer-Policy"] = "no-referrer";
        h["Cross-Origin-Opener-Policy"] = "same-origin";
        h["Cross-Origin-Resource-Policy"] = "same-origin";
        h.CacheControl = "no-store";
        if (tls)
            h.StrictTransportSecurity = "max-age=31536000";
    }

    internal static async Task Answer(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text + "\n");
    }

    private static async Task DrainAsync(HttpRequest request, long upTo)
    {
        if (request.ContentLength is not { } length || length > upTo || length == 0)
            return;
        try
        {
            var buffer = new byte[64 * 1024];
            long read = 0;
            int n;
            while (read < length && (n = await request.Body.ReadAsync(buffer)) > 0)
                read += n;
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException or OperationCanceledException)
        {
        }
    }

    internal static string Remote(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "?";
}

/// <summary>A file that could not be stored: the HTTP status and the reason the uploader reads.</summary>
public sealed class StoreException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
