using Autobuilder.Testing;
using MimeKit;

namespace Autobuilder.Mail.Tests;

/// <summary>A mail sent again for the same event (after a crash) carries the first one's Message-Id: it is marked a duplicate.</summary>
public class EventKeyMessageIdTests
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private static MailMessage Mail(string? key) => new()
    {
        To = ["Jane Maintainer <jane@example.org>"],
        Subject = "hello 1.0-1 amd64 (bookworm): built",
        Body = "built",
        EventKey = key,
    };

    private static async Task<string> MessageIdAsync(TempDir dir, MailMessage message)
    {
        var sender = new OutboxMailSender(dir["outbox"], "Autobuilder <buildd@builds.example.net>", new FixedTimeProvider(Noon));
        using var parsed = await MimeMessage.LoadAsync(await sender.WriteAsync(message, CancellationToken.None));
        return parsed.MessageId ?? "";
    }

    [Fact]
    public async Task Should_give_the_same_message_id_When_the_same_event_is_mailed_twice()
    {
        using var dir = new TempDir();

        var first = await MessageIdAsync(dir, Mail("bookworm/hello_1.0-1/1 amd64 attempt 1 Success"));
        var again = await MessageIdAsync(dir, Mail("bookworm/hello_1.0-1/1 amd64 attempt 1 Success"));
        var next = await MessageIdAsync(dir, Mail("bookworm/hello_1.0-1/1 amd64 attempt 2 Success"));

        Assert.Equal(first, again);
        Assert.NotEqual(first, next);
        Assert.EndsWith("@builds.example.net", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_give_fresh_message_ids_When_no_event_key_is_given()
    {
        using var dir = new TempDir();

        var first = await MessageIdAsync(dir, Mail(null));
        var second = await MessageIdAsync(dir, Mail(null));

        Assert.NotEqual(first, second);
    }
}
