using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Autobuilder.Mail;

/// <summary>
/// Turns a <see cref="MailMessage"/> into the MIME message both transports emit, so an outbox .eml is
/// byte-for-byte what SMTP would have carried (apart from Date and Message-Id).
/// </summary>
internal static class MimeMessageFactory
{
    // Headers we set ourselves; letting callers add a second copy would produce ambiguous mail.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-Id", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
    };

    // Local-part-only addresses are allowed by MimeKit by default; an uploader address without a domain is a bug upstream.
    private static readonly ParserOptions Strict = CreateStrictOptions();

    /// <summary>
    /// The MIME message, or a permanent <see cref="MailSendException"/> when the mail itself cannot be
    /// sent (sending it again would fail the same way).
    /// </summary>
    public static MimeMessage Create(MailMessage message, string defaultFrom, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            return Build(message, defaultFrom, now);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or ParseException or InvalidOperationException or EncoderFallbackException)
        {
            throw Invalid($"Mail '{Printable(message.Subject)}' cannot be encoded: {e.Message}", e);
        }
    }

    private static MimeMessage Build(MailMessage message, string defaultFrom, DateTimeOffset now)
    {
        var mime = new MimeMessage();
        var from = ParseAddress(message.From ?? defaultFrom, "From");
        mime.From.Add(from);
        foreach (var to in message.To)
        {
            mime.To.Add(ParseAddress(to, "To"));
        }

        foreach (var cc in message.Cc)
        {
            mime.Cc.Add(ParseAddress(cc, "Cc"));
        }

        if (mime.To.Count + mime.Cc.Count == 0)
        {
            throw Invalid($"Mail '{Printable(message.Subject)}' has no recipients.");
        }

        CheckNoLineBreak(message.Subject, "Subject");
        mime.Subject = message.Subject;
        mime.Date = now;
        mime.MessageId = message.EventKey is { Length: > 0 } key
            ? $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..40]}@{(from.Domain.Length > 0 ? from.Domain : "autobuilder.invalid")}"
            : MimeUtils.GenerateMessageId(from.Domain);

        foreach (var (name, value) in message.Headers)
        {
            CheckHeader(name, value);
            mime.Headers.Add(name, value);
        }

        var body = new TextPart(MimeKit.Text.TextFormat.Plain);
        body.SetText(Encoding.UTF8, message.Body);
        mime.Body = body;

        // Pick 7-bit-safe transfer encodings now, so the outbox file and the SMTP payload agree
        // and relays without 8BITMIME never see raw UTF-8.
        mime.Prepare(EncodingConstraint.SevenBit);
        return mime;
    }

    public static MailboxAddress ParseAddress(string text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Invalid($"{field} address is empty.");
        }

        if (!MailboxAddress.TryParse(Strict, text, out var address) || !address.Address.Contains('@', StringComparison.Ordinal))
        {
            throw Invalid($"{field} address '{Printable(text)}' is not a valid mail address.");
        }

        return address;
    }

    private static void CheckHeader(string name, string value)
    {
        if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || c == ':'))
        {
            throw Invalid($"Header name '{name}' is not a valid RFC 5322 field name.");
        }

        if (Reserved.Contains(name))
        {
            throw Invalid($"Header '{name}' is set by the mail transport and cannot be given as an extra header.");
        }

        CheckNoLineBreak(value, name);
    }

    // A line break in a header value would let text from an upload inject headers or end the header block;
    // other control characters and a lone UTF-16 surrogate have no encoding a mail reader agrees on.
    private static void CheckNoLineBreak(string value, string field)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw Invalid($"{field} must not contain line breaks.");
        }

        if (value.Any(c => (char.IsControl(c) && c != '\t') || c is '\u2028' or '\u2029') || !IsWellFormedUtf16(value))
        {
            throw Invalid($"{field} '{Printable(value)}' cannot be encoded: it holds a control character or a broken character.");
        }
    }

    private static bool IsWellFormedUtf16(string value) => System.Text.Unicode.Utf8.FromUtf16(value, new byte[value.Length * 3], out _, out _, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done;

    /// <summary>The text as a log line can show it: control characters and lone surrogates as \uXXXX.</summary>
    internal static string Printable(string? text) =>
        string.Concat((text ?? "").Select(c => char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' ? $"\\u{(int)c:X4}" : c.ToString()));

    private static MailSendException Invalid(string message, Exception? inner = null) => new(message, permanent: true, inner);

    private static ParserOptions CreateStrictOptions()
    {
        var options = ParserOptions.Default.Clone();
        options.AllowAddressesWithoutDomain = false;
        return options;
    }
}
