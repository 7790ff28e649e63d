namespace Autobuilder.Mail;

/// <summary>How the SMTP connection is protected; mirrors MailKit's choices without exposing MailKit in settings.</summary>
public enum MailSecurity
{
    /// <summary>Plain text, even if the server offers STARTTLS (e.g. a local relay with a self-signed certificate).</summary>
    None,

    /// <summary>Require STARTTLS after connecting; fail if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,

    /// <summary>TLS on connect for port 465, otherwise STARTTLS when the server offers it.</summary>
    Auto,
}
