using System.Text;
using Autobuilder.Debian.Safety;

namespace Autobuilder.Silo.HttpUpload;

/// <summary>What a request's target names: the web form, one file of a product, nothing of ours, or something refused with its reason.</summary>
public abstract record UploadTarget
{
    public sealed record Form : UploadTarget;
    public sealed record File(string Product, string Name) : UploadTarget;
    public sealed record Unknown : UploadTarget;
    public sealed record Refused(string Reason) : UploadTarget;

    /// <summary>
    /// Reads the request target exactly as the client sent it (<paramref name="rawTarget"/>, before
    /// the server decodes and normalises it): each segment is percent-decoded once and must then be
    /// a plain name. Dot segments, encoded slashes or backslashes, control characters and queries
    /// are refused, not normalised away, so "../" and "%2e%2e%2f" get a reason instead of landing
    /// somewhere else. dput's incoming "&lt;prefix&gt;/&lt;product&gt;" maps to &lt;prefix&gt;/&lt;product&gt;/&lt;file&gt;.
    /// </summary>
    public static UploadTarget Parse(string rawTarget, string prefix)
    {
        if (rawTarget.Length == 0 || rawTarget[0] != '/')
            return new Refused("the request target must be a path starting with '/'");
        if (rawTarget.IndexOfAny(['?', '#']) >= 0)
            return new Refused("the request target carries a query; PUT <path>/<product>/<file> takes none");
        var segments = new List<string>();
        foreach (var raw in rawTarget[1..].Split('/'))
        {
            string decoded;
            try
            {
                decoded = Decode(raw);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                return new Refused(ex is FormatException ? $"the request target has a bad percent-encoding: {ex.Message}" : "the request target decodes to invalid UTF-8");
            }
            if (decoded is "." or "..")
                return new Refused($"'{FileNames.Printable(decoded)}' in the path: relative path segments are refused");
            if (decoded.Contains('/', StringComparison.Ordinal) || decoded.Contains('\\', StringComparison.Ordinal))
                return new Refused($"'{FileNames.Printable(decoded)}' in the path contains an (encoded) path separator; file names are plain names");
            if (decoded.Any(char.IsControl))
                return new Refused($"'{FileNames.Printable(decoded)}' in the path contains a control character");
            segments.Add(decoded);
        }
        var prefixSegments = prefix.Trim('/').Split('/');
        if (segments.Count < prefixSegments.Length || !segments.Take(prefixSegments.Length).SequenceEqual(prefixSegments, StringComparer.Ordinal))
            return new Unknown();
        var rest = segments.Skip(prefixSegments.Length).ToList();
        // <prefix> and <prefix>/ are the form.
        if (rest.Count == 0 || (rest.Count == 1 && rest[0].Length == 0))
            return new Form();
        if (rest.Count != 2 || rest[0].Length == 0)
            return new Refused($"expected {prefix}/<product>/<file> (dput's incoming is {prefix}/<product>); folders inside a product are refused");
        return new File(rest[0], rest[1]);
    }

    /// <summary>Percent-decoding of one segment as UTF-8; '+' is a plain '+' in a path.</summary>
    private static string Decode(string segment)
    {
        if (!segment.Contains('%', StringComparison.Ordinal))
            return segment;
        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] != '%')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(segment[i].ToString()));
                continue;
            }
            if (i + 2 >= segment.Length || !Uri.IsHexDigit(segment[i + 1]) || !Uri.IsHexDigit(segment[i + 2]))
                throw new FormatException($"'%' not followed by two hex digits in '{FileNames.Printable(segment)}'");
            bytes.Add(Convert.ToByte(segment.Substring(i + 1, 2), 16));
            i += 2;
        }
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
    }
}
