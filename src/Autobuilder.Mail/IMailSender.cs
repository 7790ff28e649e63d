namespace Autobuilder.Mail;

/// <summary>Delivers a mail somewhere: an SMTP server, or an outbox folder when none is configured.</summary>
public interface IMailSender
{
    /// <summary>Sends one message; throws <see cref="MailSendException"/> when it could not be handed over.</summary>
    Task SendAsync(MailMessage message, CancellationToken ct);
}
