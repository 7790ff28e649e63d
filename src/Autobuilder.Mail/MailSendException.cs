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

    public MailSendException()
    {
    }
}
