using System.Net;
using System.Net.Sockets;
using Autobuilder.Testing;
using MimeKit;

namespace Autobuilder.Mail.Tests;

public class SmtpMailSenderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static MailSettings SettingsFor(SmtpTestServer server) => new()
    {
        Host = server.Host,
        Port = server.Port,
        Security = MailSecurity.None,
        TimeoutSeconds = 5,
    };

    private static MailMessage Sample(params string[] to) => new()
    {
        From = "Uploader Ünal <uploader@example.org>",
        To = to.Length > 0 ? to : ["Jane Maintainer <jane@example.org>"],
        Cc = ["builds@example.org"],
        Subject = "Accepted hello_2.10-3 (source amd64) — ✓",
        // No final line break: SMTP's end-of-data sequence swallows it, so it cannot round-trip.
        Body = "Build of hello 2.10-3 succeeded.\nGrüße, the autobuilder\n.\nThe line above is only a dot and must survive.",
        Headers = new Dictionary<string, string> { ["X-Autobuilder-Upload"] = "hello_2.10-3_source.changes" },
    };

    [Fact]
    public async Task Should_deliver_from_to_cc_subject_body_and_headers_When_server_accepts()
    {
        // Arrange
        using var server = SmtpTestServer.Start();
        var sender = new SmtpMailSender(SettingsFor(server));
        var message = Sample();

        // Act
        await sender.SendAsync(message, CancellationToken.None);

        // Assert
        var received = await server.WaitForMessageAsync(_ => true, Wait);
        var from = Assert.Single(received.From.Mailboxes);
        Assert.Equal("uploader@example.org", from.Address);
        Assert.Equal("Uploader Ünal", from.Name);
        Assert.Equal("jane@example.org", Assert.Single(received.To.Mailboxes).Address);
        Assert.Equal("builds@example.org", Assert.Single(received.Cc.Mailboxes).Address);
        Assert.Equal(message.Subject, received.Subject);
        Assert.Equal(message.Body, received.TextBody?.ReplaceLineEndings("\n"));
        Assert.Equal("utf-8", received.BodyParts.OfType<TextPart>().Single().ContentType.Charset, ignoreCase: true);
        Assert.Equal("hello_2.10-3_source.changes", received.Headers["X-Autobuilder-Upload"]);
        Assert.False(string.IsNullOrEmpty(received.MessageId));
        Assert.EndsWith("@example.org", received.MessageId, StringComparison.Ordinal);
        Assert.True(received.Date > DateTimeOffset.UtcNow.AddMinutes(-5));

        var delivery = Assert.Single(server.Deliveries);
        Assert.Equal("uploader@example.org", delivery.EnvelopeFrom);
        Assert.Equal(["jane@example.org", "builds@example.org"], delivery.EnvelopeTo);
    }

    [Fact]
    public async Task Should_use_configured_from_When_message_names_no_sender()
    {
        // Arrange
        using var server = SmtpTestServer.Start();
        var settings = SettingsFor(server);
        settings.From = "Debian Autobuilder <buildd@builds.example.net>";
        var sender = new SmtpMailSender(settings);

        // Act
        await sender.SendAsync(Sample() with { From = null }, CancellationToken.None);

        // Assert
        var received = await server.WaitForMessageAsync(_ => true, Wait);
        Assert.Equal("buildd@builds.example.net", Assert.Single(received.From.Mailboxes).Address);
        Assert.Equal("buildd@builds.example.net", Assert.Single(server.Deliveries).EnvelopeFrom);
    }

    [Fact]
    public async Task Should_authenticate_When_user_name_is_configured()
    {
        // Arrange
        using var server = SmtpTestServer.Start(userName: "buildd", password: "s3cret");
        var settings = SettingsFor(server);
        settings.UserName = "buildd";
        settings.Password = "s3cret";
        var sender = new SmtpMailSender(settings);

        // Act
        await sender.SendAsync(Sample(), CancellationToken.None);

        // Assert
        Assert.Equal(Sample().Subject, (await server.WaitForMessageAsync(_ => true, Wait)).Subject);
    }

    [Fact]
    public async Task Should_name_server_and_stage_When_password_is_wrong()
    {
        // Arrange
        using var server = SmtpTestServer.Start(userName: "buildd", password: "s3cret");
        var settings = SettingsFor(server);
        settings.UserName = "buildd";
        settings.Password = "wrong";
        var sender = new SmtpMailSender(settings);

        // Act
        var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(Sample(), CancellationToken.None));

        // Assert
        Assert.Contains($"127.0.0.1:{server.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("authenticating as 'buildd'", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Should_name_server_recipient_and_reply_When_server_rejects_recipient()
    {
        // Arrange
        using var server = SmtpTestServer.Start(acceptRecipient: a => a != "nobody@example.org");
        var sender = new SmtpMailSender(SettingsFor(server));

        // Act
        var error = await Assert.ThrowsAsync<MailSendException>(
            () => sender.SendAsync(Sample("nobody@example.org"), CancellationToken.None));

        // Assert
        Assert.Contains($"127.0.0.1:{server.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("recipient <nobody@example.org> rejected", error.Message, StringComparison.Ordinal);
        Assert.Contains("550", error.Message, StringComparison.Ordinal);
        Assert.Contains("mailbox unavailable", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Should_name_server_When_nothing_listens()
    {
        // Arrange: a port that was free a moment ago and has no listener now.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var sender = new SmtpMailSender(new MailSettings { Host = "127.0.0.1", Port = port, Security = MailSecurity.None, TimeoutSeconds = 5 });

        // Act
        var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(Sample(), CancellationToken.None));

        // Assert
        Assert.Contains($"connecting to SMTP server 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionRefused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_time_out_naming_server_When_server_never_answers()
    {
        // Arrange: accepts TCP connections but never sends the SMTP greeting.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var sender = new SmtpMailSender(new MailSettings { Host = "127.0.0.1", Port = port, Security = MailSecurity.None, TimeoutSeconds = 1 });

            // Act
            var started = DateTime.UtcNow;
            var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(Sample(), CancellationToken.None));

            // Assert
            Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
            Assert.Contains("no answer within 1 s", error.Message, StringComparison.Ordinal); 
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4), "the timeout was not enforced");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Should_throw_cancellation_not_mail_error_When_caller_cancels()
    {
        // Arrange
        using var server = SmtpTestServer.Start();
        var sender = new SmtpMailSender(SettingsFor(server));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        // Act + Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(Sample(), cancelled.Token));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Should_refuse_header_injection_When_subject_contains_line_break()
    {
        // Arrange
        using var server = SmtpTestServer.Start();
        var sender = new SmtpMailSender(SettingsFor(server));

        // Act
        var error = await Assert.ThrowsAsync<MailSendException>(
            () => sender.SendAsync(Sample() with { Subject = "Accepted\r\nBcc: victim@example.org" }, CancellationToken.None));

        // Assert
        Assert.Contains("Subject must not contain line breaks", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Theory]
    [InlineData("not an address", "To address 'not an address' is not a valid mail address.")]
    [InlineData("Name <nobody>", "To address 'Name <nobody>' is not a valid mail address.")]
    public async Task Should_fail_for_good_without_connecting_When_the_address_is_invalid(string to, string reason)
    {
        // Given
        using var server = SmtpTestServer.Start();
        var sender = new SmtpMailSender(SettingsFor(server));

        // When
        var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(Sample(to), CancellationToken.None));

        // Then
        Assert.True(error.Permanent, "an invalid address can never be delivered");
        Assert.Equal(reason, error.Message);
        Assert.Empty(server.Deliveries);
    }

    [Theory]
    [InlineData("Accepted \u0000 nul")]
    [InlineData("Accepted \u001b[31m escape")]
    [InlineData("Accepted \u2028 separator")]
    [InlineData("Accepted <D800> lone surrogate")]
    public async Task Should_fail_for_good_When_a_header_cannot_be_encoded(string subject)
    {
        // An attribute cannot carry a lone surrogate (metadata is UTF-8): it is put in here.
        subject = subject.Replace("<D800>", "\ud800", StringComparison.Ordinal);
        using var server = SmtpTestServer.Start();
        var sender = new SmtpMailSender(SettingsFor(server));

        var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(Sample() with { Subject = subject }, CancellationToken.None));

        Assert.True(error.Permanent);
        Assert.Contains("cannot be encoded", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Deliveries);
    }

    [Fact]
    public async Task Should_fail_for_good_When_the_server_refuses_the_recipient_with_a_5xx_reply()
    {
        using var server = SmtpTestServer.Start(acceptRecipient: a => a != "nobody@example.org");
        var sender = new SmtpMailSender(SettingsFor(server));

        var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(Sample("nobody@example.org"), CancellationToken.None));

        Assert.True(error.Permanent, "550 is a permanent refusal (RFC 5321 4.2.1)");
    }

    [Fact]
    public async Task Should_fail_for_now_only_When_the_server_cannot_be_reached_or_the_login_is_wrong()
    {
        // A server that is down or misconfigured may be fixed: such mails are tried again.
        using var server = SmtpTestServer.Start(userName: "buildd", password: "s3cret");
        var settings = SettingsFor(server);
        settings.UserName = "buildd";
        settings.Password = "wrong";
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var login = await Assert.ThrowsAsync<MailSendException>(() => new SmtpMailSender(settings).SendAsync(Sample(), CancellationToken.None));
        var down = await Assert.ThrowsAsync<MailSendException>(() =>
            new SmtpMailSender(new MailSettings { Host = "127.0.0.1", Port = port, Security = MailSecurity.None, TimeoutSeconds = 5 })
                .SendAsync(Sample(), CancellationToken.None));

        Assert.False(login.Permanent);
        Assert.False(down.Permanent);
    }
}
