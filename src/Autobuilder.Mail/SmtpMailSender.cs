using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Autobuilder.Mail;

/// <summary>
/// Sends each message over its own SMTP connection (connect, optional AUTH, send, quit). Reports are rare,
/// so a fresh connection per mail is simpler and more robust than pooling, and makes the sender thread-safe.
/// </summary>
public sealed class SmtpMailSender : IMailSender
{
    private readonly MailSettings _settings;
    private readonly string _host;
    private readonly TimeProvider _time;

    public SmtpMailSender(MailSettings settings, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.UsesSmtp)
        {
            throw new ArgumentException("SmtpMailSender needs a Host; without one use OutboxMailSender.", nameof(settings));
        }

        settings.Validate();

        // A copy, because bound settings objects stay mutable and a sender must not change under its callers.
        _settings = new MailSettings
        {
            Host = settings.Host,
            Port = settings.Port,
            Security = settings.Security,
            UserName = settings.UserName,
            Password = settings.Password,
            From = settings.From,
            BuildsList = settings.BuildsList,
            OutboxDirectory = settings.OutboxDirectory,
            TimeoutSeconds = settings.TimeoutSeconds,
        };
        _host = settings.Host!.Trim();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>"host:port", as every error message names it.</summary>
    public string Server => $"{_host}:{_settings.Port}";

    public async Task SendAsync(MailMessage message, CancellationToken ct)
    {
        var mime = MimeMessageFactory.Create(message, _settings.From, _time.GetUtcNow());
        var timeout = TimeSpan.FromSeconds(_settings.TimeoutSeconds);

        // MailKit's Timeout only bounds each socket read/write; the linked token bounds the whole
        // exchange so a server that trickles bytes cannot hold a report forever.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        using var client = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };

        var stage = "connecting to";
        try
        {
            await client.ConnectAsync(_host, _settings.Port, ToMailKit(_settings.Security), deadline.Token).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(_settings.UserName))
            {
                stage = $"authenticating as '{_settings.UserName}' at";
                await client.AuthenticateAsync(_settings.UserName, _settings.Password ?? string.Empty, deadline.Token).ConfigureAwait(false);
            }

            stage = "sending to";
            await client.SendAsync(mime, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (deadline.IsCancellationRequested || IsTimeout(e))
        {
            // The overall deadline and MailKit's per-read timeout race each other; report both the same way.
            throw Fail(message, stage, $"no answer within {_settings.TimeoutSeconds} s", e);
        }
        catch (Exception e) when (Describe(e) is { } detail)
        {
            throw Fail(message, stage, detail, e, IsPermanent(e));
        }

        try
        {
            await client.DisconnectAsync(quit: true, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // The server already accepted the message; failing (or reporting a cancellation) now would make
            // callers retry and deliver a duplicate, and the connection is dropped by Dispose anyway.
        }
    }

    private MailSendException Fail(MailMessage message, string stage, string detail, Exception inner, bool permanent = false)
    {
        var recipients = string.Join(", ", message.To.Concat(message.Cc));
        return new MailSendException(
            $"Mail '{message.Subject}' to {recipients} failed while {stage} SMTP server {Server}: {detail}", permanent, inner);
    }

    // RFC 5321 §4.2.1: a 5yz reply is a permanent negative completion. Refused for good are this
    // mail's recipient or content; a refused sender or login is the configuration's fault, and
    // mails wait for the operator to fix it.
    private static bool IsPermanent(Exception e) =>
        e is SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted } c
        && (int)c.StatusCode >= 500;

    private static bool IsTimeout(Exception e) =>
        e is TimeoutException or OperationCanceledException
        || e is IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } }
        || e is SocketException { SocketErrorCode: SocketError.TimedOut };

    // Null for exceptions that are bugs rather than delivery problems, so they keep their own type.
    private static string? Describe(Exception e) => e switch
    {
        SmtpCommandException c when c.ErrorCode == SmtpErrorCode.RecipientNotAccepted =>
            $"recipient <{c.Mailbox?.Address}> rejected, server replied {(int)c.StatusCode} {c.Message}",
        SmtpCommandException c when c.ErrorCode == SmtpErrorCode.SenderNotAccepted =>
            $"sender <{c.Mailbox?.Address}> rejected, server replied {(int)c.StatusCode} {c.Message}",
        SmtpCommandException c => $"server replied {(int)c.StatusCode} {c.Message}",
        SmtpProtocolException p => $"protocol error: {p.Message}",
        AuthenticationException a => $"authentication failed: {a.Message}",
        SslHandshakeException s => $"TLS handshake failed: {s.Message}",
        SocketException s => $"{s.SocketErrorCode}: {s.Message}",
        IOException io => $"connection broken: {io.Message}",
        NotSupportedException n => n.Message,
        ServiceNotConnectedException or ServiceNotAuthenticatedException => e.Message,
        _ => null,
    };

    private static SecureSocketOptions ToMailKit(MailSecurity security) => security switch
    {
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
