using System.Collections.Concurrent;
using Autobuilder.Mail;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>Test double for the mail transport: keeps every message instead of sending it.</summary>
public sealed class RecordingMailSender : IMailSender
{
    private readonly ConcurrentQueue<MailMessage> _sent = new();

    public Task SendAsync(MailMessage message, CancellationToken ct)
    {
        _sent.Enqueue(message);
        return Task.CompletedTask;
    }

    /// <summary>The mails about one upload, found by the X-Autobuilder-Upload header the mailer sets.</summary>
    public IReadOnlyList<MailMessage> About(string uploadId) =>
        [.. _sent.Where(m => m.Headers.TryGetValue("X-Autobuilder-Upload", out var id) && id == uploadId)];
}
