using System.Collections.Concurrent;
using Autobuilder.Mail;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>Test double for the mail transport: keeps every message instead of sending it.</summary>
public sealed class RecordingMailSender : IMailSender
{
    private readonly ConcurrentQueue<MailMessage> _sent = new();
    private int _failures;
    private readonly ConcurrentDictionary<string, string> _refused = new(StringComparer.Ordinal);
    /// <summary>Mails whose subject contains <paramref name="subjectPart"/> fail for good, as an invalid address does.</summary>
    public void RefuseForGood(string subjectPart, string reason) => _refused[subjectPart] = reason;

    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);

    /// <summary>Mails whose subject contains <paramref name="subjectPart"/> fail as a mail server that is down would, until <see cref="Recover"/>.</summary>
    public void DownFor(string subjectPart) => _down[subjectPart] = true;

    public void Recover(string subjectPart) => _down.TryRemove(subjectPart, out _);

    /// <summary>The next <paramref name="count"/> sends fail as a mail server that is down would.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failures, count);

    public Task SendAsync(MailMessage message, CancellationToken ct)
    {
        foreach (var (part, reason) in _refused)
        {
            if (message.Subject.Contains(part, StringComparison.Ordinal))
                throw new MailSendException($"test: {reason}", permanent: true);
        }
        if (_down.Keys.Any(part => message.Subject.Contains(part, StringComparison.Ordinal)))
            throw new MailSendException($"test: mail server down for '{message.Subject}'");
        if (Interlocked.Decrement(ref _failures) >= 0)
            throw new MailSendException($"test: mail server down for '{message.Subject}'");
        Interlocked.Exchange(ref _failures, 0);
        _sent.Enqueue(message);
        return Task.CompletedTask;
    }

    /// <summary>The mails about one upload, found by the X-Autobuilder-Upload header the mailer sets.</summary>
    public IReadOnlyList<MailMessage> About(string uploadId) =>
        [.. _sent.Where(m => m.Headers.TryGetValue("X-Autobuilder-Upload", out var id) && id == uploadId)];

    /// <summary>The mails about one upload's builds: without the one that says where it was published (or why not).</summary>
    public IReadOnlyList<MailMessage> AboutBuilds(string uploadId) =>
        [.. About(uploadId).Where(m => !m.Subject.Contains("): published in ", StringComparison.Ordinal) && !m.Subject.EndsWith("REJECTED by the archive", StringComparison.Ordinal))];
}
