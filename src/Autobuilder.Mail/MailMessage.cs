namespace Autobuilder.Mail;

/// <summary>
/// One plain-text mail as the rest of the system describes it; the transports turn it into MIME.
/// Addresses are RFC 5322 strings, either <c>user@host</c> or <c>Display Name &lt;user@host&gt;</c>,
/// because uploaders' addresses come verbatim from Maintainer/Changed-By fields.
/// </summary>
public sealed record MailMessage
{
    /// <summary>Sender; null means the configured <see cref="MailSettings.From"/>.</summary>
    public string? From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    public IReadOnlyList<string> Cc { get; init; } = [];

    public required string Subject { get; init; }

    /// <summary>Plain text, sent as UTF-8.</summary>
    public required string Body { get; init; }

    /// <summary>Extra headers such as <c>X-Autobuilder-Upload</c>, so lists and tests can filter mails.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The event the mail reports (e.g. "upload id, build attempt, outcome"); null: a fresh Message-Id.
    /// The same key always gives the same Message-Id, so a mail sent again after a crash (the silo
    /// died between sending and recording that it sent) is marked as a duplicate of the first: mail
    /// clients and list servers drop a Message-Id they have already seen.
    /// </summary>
    public string? EventKey { get; init; }
}
