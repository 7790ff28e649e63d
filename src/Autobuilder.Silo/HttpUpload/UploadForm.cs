using System.Text.Encodings.Web;
using Autobuilder.Debian;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Autobuilder.Silo.HttpUpload;

/// <summary>
/// The web form for people who do not use dput: server-rendered HTML without JavaScript. GET shows
/// it; POST (multipart) takes a .changes or .dsc and its files. The anti-forgery token
/// (<see cref="FormToken"/>) is the first field and is checked before any file is stored; a
/// browser's Sec-Fetch-Site and Origin headers must not name another site. The files are received
/// into hidden temporary files and renamed into the area together at the end, the .dsc and
/// .changes last, so intake sees the upload whole or not at all.
/// </summary>
public sealed class UploadForm(HttpUploadEndpoint endpoint, FormToken formToken)
{
    public const string ProductField = "product";
    public const string FilesField = "files";

    public static async Task ShowAsync(HttpContext context, string login, string path, IReadOnlyList<string> products, string token)
    {
        var e = HtmlEncoder.Default;
        var options = string.Concat(products.Select(p => $"<option value=\"{e.Encode(p)}\">{e.Encode(p)}</option>"));
        var body = $"""
            <h1>Upload a source package</h1>
            <p>Logged in as <strong>{e.Encode(login)}</strong>. Choose the <code>.changes</code> or <code>.dsc</code> and every file it names
            (the orig and debian tarballs). With dput, use the https method instead (see the README).</p>
            <form method="post" action="{e.Encode(path)}/" enctype="multipart/form-data">
            <input type="hidden" name="{FormToken.Field}" value="{e.Encode(token)}">
            <p><label>Product <select name="{ProductField}">{options}</select></label></p>
            <p><label>Files <input type="file" name="{FilesField}" multiple required></label></p>
            <p><button type="submit">Upload</button></p>
            </form>
            """;
        await Page(context, StatusCodes.Status200OK, "Upload", body);
    }

    public async Task ReceiveAsync(HttpContext context, string login)
    {
        if (CrossSite(context.Request) is { } crossSite)
        {
            await Refuse(context, login, StatusCodes.Status403Forbidden, crossSite);
            return;
        }
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            await Refuse(context, login, StatusCodes.Status415UnsupportedMediaType, "the form is sent as multipart/form-data (use the form at this address)");
            return;
        }
        var limits = endpoint.IntakeLimits;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } max)
            max.MaxRequestBodySize = limits.MaxUploadBytes + (1L << 20);
        var reader = new MultipartReader(boundary, context.Request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        var received = new List<(string Name, string Temporary, long Size)>();
        string? product = null;
        var tokenChecked = false;
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(context.RequestAborted)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    throw new StoreException(StatusCodes.Status400BadRequest, "a part of the form has no form-data disposition");
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!tokenChecked)
                {
                    // The token comes first (the form puts it first); nothing is stored before it is good.
                    var token = field == FormToken.Field && !disposition.IsFileDisposition() ? await ReadField(section) : null;
                    if (formToken.Problem(login, token) is { } problem)
                        throw new StoreException(StatusCodes.Status403Forbidden, problem);
                    tokenChecked = true;
                    continue;
                }
                if (field == ProductField && !disposition.IsFileDisposition())
                {
                    product = await ReadField(section);
                    if (!endpoint.Products.Contains(product, StringComparer.Ordinal))
                        throw new StoreException(StatusCodes.Status400BadRequest, $"no product '{FileNames.Printable(product)}' here; products: {string.Join(", ", endpoint.Products)}");
                    continue;
                }
                if (field != FilesField || !disposition.IsFileDisposition())
                    throw new StoreException(StatusCodes.Status400BadRequest, $"unexpected form field '{FileNames.Printable(field)}'");
                var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                if (name.Length == 0)
                    continue; // an empty file input
                if (product is null)
                    throw new StoreException(StatusCodes.Status400BadRequest, "choose the product before the files (the form sends it first)");
                if (HttpUploadEndpoint.UploadNameProblem(name) is { } nameProblem)
                    throw new StoreException(StatusCodes.Status400BadRequest, nameProblem);
                if (received.Any(r => r.Name == name))
                    throw new StoreException(StatusCodes.Status400BadRequest, $"{name} is in the form twice");
                if (received.Count >= limits.MaxFiles + 1)
                    throw new StoreException(StatusCodes.Status413PayloadTooLarge, $"more than {limits.MaxFiles + 1} files (Autobuilder:Intake:MaxFiles)");
                var total = received.Sum(r => r.Size);
                if (endpoint.AreaProblem(login, total) is { } full)
                    throw new StoreException(StatusCodes.Status413PayloadTooLarge, full);
                var folder = endpoint.Paths.HttpIncoming(login, product);
                var temporary = await endpoint.ReceiveTemporaryAsync(context, folder, name, section.Body, endpoint.FileLimit(name), context.RequestAborted);
                received.Add((name, temporary, new FileInfo(temporary).Length));
                if (received.Sum(r => r.Size) > limits.MaxUploadBytes)
                    throw new StoreException(StatusCodes.Status413PayloadTooLarge, $"the files add up to more than {limits.MaxUploadBytes} bytes (Autobuilder:Intake:MaxUploadBytes)");
            }
            if (!tokenChecked)
                throw new StoreException(StatusCodes.Status403Forbidden, formToken.Problem(login, null)!);
            if (product is null || received.Count == 0)
                throw new StoreException(StatusCodes.Status400BadRequest, "no files were sent: choose the .changes or .dsc and the files it names");
            if (!received.Any(r => r.Name.EndsWith(".dsc", StringComparison.Ordinal) || r.Name.EndsWith(".changes", StringComparison.Ordinal)))
                throw new StoreException(StatusCodes.Status400BadRequest, "none of the files is a .changes or .dsc: an upload is one of those and the files it names");
            // The .dsc and .changes last: when intake sees them, their files are there already.
            var folderOf = endpoint.Paths.HttpIncoming(login, product);
            foreach (var r in received.OrderBy(r => r.Name.EndsWith(".dsc", StringComparison.Ordinal) || r.Name.EndsWith(".changes", StringComparison.Ordinal)))
                HttpUploadEndpoint.Commit(r.Temporary, folderOf, r.Name);
            foreach (var r in received)
                HttpUploadEndpoint.LogStored(endpoint.Logger, login, product, r.Name, r.Size);
            await Answer(context, login, product, folderOf, received.Select(r => (r.Name, r.Size)).ToList());
        }
        catch (Exception ex) when (ex is StoreException or InvalidDataException or IOException or BadHttpRequestException)
        {
            var status = ex switch
            {
                StoreException s => s.Status,
                BadHttpRequestException b => b.StatusCode,
                _ => StatusCodes.Status400BadRequest,
            };
            var reason = ex is StoreException ? ex.Message : $"the form could not be read: {ex.Message}";
            if (!context.Response.HasStarted)
                await Refuse(context, login, status, reason);
        }
        finally
        {
            foreach (var r in received)
                File.Delete(r.Temporary);
        }
    }

    /// <summary>Why a browser's headers show the request came from another site, or null (curl and other tools send neither header).</summary>
    private static string? CrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
            return $"the form was sent from another site (Sec-Fetch-Site: {FileNames.Printable(site)}); use the form at this address";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
            return $"the form was sent from another site (Origin: {FileNames.Printable(origin)}); use the form at this address";
        return null;
    }

    private static async Task<string> ReadField(MultipartSection section)
    {
        var buffer = new char[4096];
        using var text = new StreamReader(section.Body);
        var n = await text.ReadBlockAsync(buffer);
        if (n == buffer.Length && text.Peek() >= 0)
            throw new StoreException(StatusCodes.Status400BadRequest, "a form field is longer than 4096 characters");
        return new string(buffer, 0, n);
    }

    private async Task Answer(HttpContext context, string login, string product, string folder, IReadOnlyList<(string Name, long Size)> files)
    {
        var e = HtmlEncoder.Default;
        var missing = Missing(folder, files.Select(f => f.Name).ToList());
        var list = string.Concat(files.Select(f => $"<li><code>{e.Encode(f.Name)}</code> ({f.Size} bytes)</li>"));
        var waiting = missing.Count == 0 ? "" :
            $"<p><strong>Still missing</strong> (named by the .dsc, not sent and not in your area): {string.Join(", ", missing.Select(m => $"<code>{e.Encode(m)}</code>"))}. " +
            $"Send them within {endpoint.IncompleteUploadSeconds:0} seconds, or the upload is rejected as incomplete.</p>";
        var body = $"""
            <h1>Received</h1>
            <p>For <strong>{e.Encode(login)}</strong>, product <strong>{e.Encode(product)}</strong>:</p>
            <ul>{list}</ul>
            {waiting}
            <p>Intake takes the upload from your area once it is complete; its verification, builds and result are mailed to your account's address.
            Follow it with <code>autobuilder uploads list</code> (ask an operator if you have no console).</p>
            <p><a href="{e.Encode(endpoint.FormPath)}/">Upload another</a></p>
            """;
        await Page(context, StatusCodes.Status201Created, "Received", body);
    }

    /// <summary>The files a received .dsc names that are neither received now nor already in the area.</summary>
    private List<string> Missing(string folder, IReadOnlyList<string> received)
    {
        var missing = new List<string>();
        foreach (var dscName in received.Where(n => n.EndsWith(".dsc", StringComparison.Ordinal)))
        {
            try
            {
                var path = Path.Combine(folder, dscName);
                if (new FileInfo(path).Length > endpoint.IntakeLimits.MaxDscBytes)
                    continue;
                var dsc = DscFile.Load(path);
                missing.AddRange(dsc.Files.Select(f => f.Name).Where(n => FileNames.IsSafe(n) && !received.Contains(n) && !File.Exists(Path.Combine(folder, n))));
            }
            catch (Exception ex) when (ex is DebianFormatException or IOException)
            {
                // Intake reads it again and rejects it with the reason.
            }
        }
        return missing;
    }

    private async Task Refuse(HttpContext context, string login, int status, string reason)
    {
        HttpUploadEndpoint.LogRefused(endpoint.Logger, HttpUploadEndpoint.Remote(context), login, reason);
        context.Response.Headers.Connection = "close";
        var e = HtmlEncoder.Default;
        await Page(context, status, "Refused", $"<h1>Refused</h1><p>{e.Encode(reason)}</p><p><a href=\"{e.Encode(endpoint.FormPath)}/\">Back to the form</a></p>");
    }

    private static async Task Page(HttpContext context, int status, string title, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
            return;
        await context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{title} — autobuilder</title></head>
            <body>
            {body}
            </body></html>

            """);
    }
}
