using System.Globalization;
using System.Security.Cryptography;

namespace Autobuilder.Mail;

/// <summary>
/// Stands in for SMTP when no server is configured: each message becomes one .eml file in a folder.
/// Files appear whole or not at all (written under a hidden temporary name, then renamed), never replace
/// each other, and their names sort in sending order, so a reader or a person can process them in order.
/// </summary>
public sealed class OutboxMailSender : IMailSender
{
    public const string Extension = ".eml";

    // Process-wide so that two senders on the same folder still sort within one clock tick.
    private static long s_sequence;

    private readonly string _defaultFrom;
    private readonly TimeProvider _time;

    public OutboxMailSender(string directory, string defaultFrom = MailSettings.DefaultFrom, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        MimeMessageFactory.ParseAddress(defaultFrom, "From");
        Directory = Path.GetFullPath(directory);
        _defaultFrom = defaultFrom;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Absolute path of the outbox folder.</summary>
    public string Directory { get; }

    public Task SendAsync(MailMessage message, CancellationToken ct) => WriteAsync(message, ct);

    /// <summary>Writes the message and returns the path of its .eml file.</summary>
    public async Task<string> WriteAsync(MailMessage message, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var mime = MimeMessageFactory.Create(message, _defaultFrom, now);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);

            // A name clash needs another process with the same tick and the same 32 random bits;
            // a few tries turn even that into a non-event.
            for (var attempt = 0; ; attempt++)
            {
                var name = FileName(now);
                var final = Path.Combine(Directory, name + Extension);

                // Hidden and without the .eml extension, so readers that glob *.eml never see a half-written file.
                var temp = Path.Combine(Directory, "." + name + ".tmp");
                var created = false;
                try
                {
                    await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
                    {
                        created = true;
                        await mime.WriteToAsync(stream, ct).ConfigureAwait(false);

                        // On disk before the rename, so a crash cannot leave a complete name with empty content.
                        stream.Flush(flushToDisk: true);
                    }

                    if (NoReplaceRename.TryRename(temp, final))
                    {
                        return final;
                    }

                    TryDelete(temp);
                    if (attempt >= 4)
                    {
                        throw new IOException($"{final} and four other fresh names were already taken.");
                    }
                }
                catch (IOException) when (attempt < 4 && !created && File.Exists(temp))
                {
                    // Some other writer holds this temporary name; try a fresh one.
                }
                catch
                {
                    if (created)
                    {
                        TryDelete(temp);
                    }

                    throw;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MailSendException($"Mail '{message.Subject}' could not be written to outbox {Directory}: {e.Message}", e);
        }
    }

    // UTC timestamp to 100 ns, then a sequence number, then random bits against other processes.
    // Fixed width throughout, so ordinal order of names is sending order.
    private static string FileName(DateTimeOffset now)
    {
        var sequence = Interlocked.Increment(ref s_sequence);
        var random = RandomNumberGenerator.GetHexString(8, lowercase: true);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{now.UtcDateTime:yyyyMMdd'T'HHmmss'.'fffffff'Z'}-{sequence:D12}-{random}");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original error matters more, and a hidden .tmp file harms no reader.
        }
    }
}
