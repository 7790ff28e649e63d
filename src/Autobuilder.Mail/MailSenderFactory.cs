namespace Autobuilder.Mail;

/// <summary>Chooses the transport from settings: SMTP when a host is configured, otherwise the outbox folder.</summary>
public static class MailSenderFactory
{
    public static IMailSender Create(MailSettings settings, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return settings.UsesSmtp
            ? new SmtpMailSender(settings, timeProvider)
            : new OutboxMailSender(settings.OutboxDirectory, settings.From, timeProvider);
    }
}
