namespace Autobuilder.Mail;

/// <summary>
/// A mail could not be handed over. The message names where it was going (host:port or the outbox folder)
/// and what was said, because operators read it in logs without the stack trace.
/// </summary>
public sealed class MailSendException : Exception
{
    public MailSendException(string message)
        : base(message)
    {
    }

    public MailSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="permanent">True when sending the same mail again cannot succeed (see <see cref="Permanent"/>).</param>
    public MailSendException(string message, bool permanent, Exception? innerException = null)
        : base(message, innerException)
    {
        Permanent = permanent;
    }

    public MailSendException()
    {
    }

    /// <summary>
    /// The mail itself is at fault, not the way to the server: an address that is not one, a header
    /// that cannot be encoded, a recipient the server refused for good (SMTP 5xx). Callers give
    /// such a mail up with this reason instead of trying it again and again.
    /// </summary>
    public bool Permanent { get; }
}
