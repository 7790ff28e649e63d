using Autobuilder.Testing;
using MimeKit;

namespace Autobuilder.Mail.Tests;

public class OutboxMailSenderTests
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 14, 12, 0, 0, 123, TimeSpan.Zero);

    private static MailMessage Sample(string subject = "Rejected hello_2.10-3: bad signature — ✗") => new()
    {
        To = ["Jane Maintainer <jane@example.org>"],
        Subject = subject,
        Body = "The upload was rejected.\nGrüße, the autobuilder",
        Headers = new Dictionary<string, string> { ["X-Autobuilder-Upload"] = "hello_2.10-3_source.changes" },
    };

    [Fact]
    public async Task Should_write_eml_that_parses_back_When_no_smtp_server_is_configured()
    {
        // Arrange
        using var dir = new TempDir();
        var sender = new OutboxMailSender(dir["outbox"], "Autobuilder <buildd@builds.example.net>", new FixedTimeProvider(Noon));
        var message = Sample();

        // Act
        var path = await sender.WriteAsync(message, CancellationToken.None);

        // Assert
        Assert.Equal(dir["outbox"], Path.GetDirectoryName(path));
        Assert.StartsWith("20250314T120000.1230000Z-", Path.GetFileName(path), StringComparison.Ordinal);
        Assert.EndsWith(".eml", path, StringComparison.Ordinal);
        using var parsed = await MimeMessage.LoadAsync(path);
        Assert.Equal(message.Subject, parsed.Subject);
        Assert.Equal(message.Body, parsed.TextBody?.ReplaceLineEndings("\n").TrimEnd('\n'));
        Assert.Equal("buildd@builds.example.net", Assert.Single(parsed.From.Mailboxes).Address);
        Assert.Equal("jane@example.org", Assert.Single(parsed.To.Mailboxes).Address);
        Assert.Equal("hello_2.10-3_source.changes", parsed.Headers["X-Autobuilder-Upload"]);
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 12, 0, 0, TimeSpan.Zero), parsed.Date); // the Date header has whole seconds
        Assert.False(string.IsNullOrEmpty(parsed.MessageId));
    }

    [Fact]
    public async Task Should_keep_every_mail_in_sending_order_When_sent_in_the_same_instant()
    {
        // Arrange: a frozen clock puts every mail in the same millisecond (and the same 100 ns tick).
        using var dir = new TempDir();
        var sender = new OutboxMailSender(dir.Path, timeProvider: new FixedTimeProvider(Noon));
        var subjects = Enumerable.Range(1, 5).Select(i => $"mail {i}").ToList();

        // Act
        foreach (var subject in subjects)
        {
            await sender.SendAsync(Sample(subject), CancellationToken.None);
        }

        // Assert
        var files = Directory.GetFiles(dir.Path, "*.eml").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(subjects.Count, files.Count);
        var read = new List<string>();
        foreach (var file in files)
        {
            using var parsed = await MimeMessage.LoadAsync(file);
            read.Add(parsed.Subject ?? string.Empty);
        }

        Assert.Equal(subjects, read);
    }

    [Fact]
    public async Task Should_not_collide_When_many_mails_are_written_concurrently()
    {
        // Arrange
        using var dir = new TempDir();
        var first = new OutboxMailSender(dir.Path, timeProvider: new FixedTimeProvider(Noon));
        var second = new OutboxMailSender(dir.Path, timeProvider: new FixedTimeProvider(Noon));

        // Act
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).SendAsync(Sample($"mail {i}"), CancellationToken.None))));

        // Assert
        var subjects = new HashSet<string>();
        foreach (var file in Directory.GetFiles(dir.Path, "*.eml"))
        {
            using var parsed = await MimeMessage.LoadAsync(file);
            subjects.Add(parsed.Subject ?? string.Empty);
        }

        Assert.Equal(40, subjects.Count);
    }

    [Fact]
    public async Task Should_leave_only_eml_files_When_writes_succeed()
    {
        // Arrange
        using var dir = new TempDir();
        var sender = new OutboxMailSender(dir.Path);

        // Act
        await sender.SendAsync(Sample(), CancellationToken.None);
        await sender.SendAsync(Sample(), CancellationToken.None);

        // Assert
        var names = Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).ToList();
        Assert.Equal(2, names.Count);
        Assert.All(names, n => Assert.Matches(@"^\d{8}T\d{6}\.\d{7}Z-\d{12}-[0-9a-f]{8}\.eml$", n));
    }

    [Fact]
    public async Task Should_leave_no_temporary_file_When_caller_cancels()
    {
        // Arrange
        using var dir = new TempDir();
        var sender = new OutboxMailSender(dir.Path);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        // Act
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(Sample(), cancelled.Token));

        // Assert
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task Should_name_the_folder_When_outbox_cannot_be_created()
    {
        // Arrange: a file where the outbox folder should be.
        using var dir = new TempDir();
        var blocker = dir.Write("outbox", "not a folder");
        var sender = new OutboxMailSender(blocker);

        // Act
        var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(Sample(), CancellationToken.None));

        // Assert
        Assert.Contains(blocker, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_mail_When_it_has_no_recipient()
    {
        // Arrange
        using var dir = new TempDir();
        var sender = new OutboxMailSender(dir.Path);

        // Act
        var error = await Assert.ThrowsAsync<MailSendException>(
            () => sender.SendAsync(Sample() with { To = [] }, CancellationToken.None));

        // Assert
        Assert.Contains("no recipients", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
