using System.Text;
using Autobuilder.Grains.Options;
using Autobuilder.Mail;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Uploads;

/// <summary>
/// Words of the mails sent to the uploader and the builds list. The subject names package,
/// version, architecture and result so a mail client's list is readable on its own.
/// </summary>
public sealed partial class UploadMailer(IMailSender sender, IOptions<MailSettings> settings)
{
    /// <summary>Where a mail goes, and the line that says how that uploader was verified (or that it was not).</summary>
    public sealed record Recipient(string? Address, string Verified);

    public Task SendRejectionAsync(UploadSummary upload, string? uploader, string rejectedFolder) =>
        SendRejectionAsync(upload, new Recipient(uploader, ""), rejectedFolder);

    public Task SendBuildResultAsync(UploadSummary upload, string? uploader, BuildProgress build, IReadOnlyList<string> missing, string logTail) =>
        SendBuildResultAsync(upload, new Recipient(uploader, ""), build, missing, logTail);

    public Task SendRejectionAsync(UploadSummary upload, Recipient uploader, string rejectedFolder)
    {
        var body = new StringBuilder()
            .AppendLine($"Your upload {upload.Source} {upload.Version} for {upload.Product} was rejected.")
            .AppendLine()
            .AppendLine("Reasons:")
            .AppendLine(upload.LastReason.Length > 0 ? Indent(upload.LastReason.Replace("; ", "\n")) : "  (none recorded)")
            .AppendLine()
            .AppendLine($"Upload id: {upload.Id}");
        if (uploader.Verified.Length > 0)
            body.AppendLine(uploader.Verified);
        body.AppendLine($"The files were kept in: {rejectedFolder}")
            .AppendLine("Fix the problem and upload again (with a new version if the version was the problem).");
        return SendAsync(upload, uploader, $"{upload.Source} {upload.Version} ({upload.Product}): REJECTED", body.ToString(), $"{upload.Id} rejected");
    }

    public Task SendBuildResultAsync(UploadSummary upload, Recipient uploader, BuildProgress build, IReadOnlyList<string> missing, string logTail)
    {
        var result = build.Outcome switch
        {
            BuildOutcome.Success => "built",
            BuildOutcome.DepWait => "DEP-WAIT",
            BuildOutcome.BadSource => "BAD SOURCE",
            BuildOutcome.InfrastructureError => "FAILED (builder problem)",
            BuildOutcome.Cancelled => "CANCELLED",
            _ => "FAILED",
        };
        var body = new StringBuilder()
            .AppendLine($"{upload.Source} {upload.Version} for {upload.Product}/{build.Architecture}: {result}")
            .AppendLine();
        if (build.Outcome == BuildOutcome.DepWait)
            body.AppendLine("Missing build dependencies:").AppendLine(Indent(string.Join("\n", missing))).AppendLine();
        else if (build.Summary is { Length: > 0 } summary)
            body.AppendLine(summary).AppendLine();
        BuildDiagnosisText.AppendTo(body, build.Diagnosis);
        body.AppendLine($"Upload id: {upload.Id}");
        if (uploader.Verified.Length > 0)
            body.AppendLine(uploader.Verified);
        body.AppendLine($"Builder slot: {build.Slot} (attempt {build.Attempt})");
        if (build.LogPath is { Length: > 0 })
            body.AppendLine($"Full log: {build.LogPath}");
        if (build.ResultsFolder is { Length: > 0 } && build.Outcome == BuildOutcome.Success)
            body.AppendLine($"Results: {build.ResultsFolder}");
        if (logTail.Length > 0)
            body.AppendLine().AppendLine("Last lines of the log:").AppendLine(logTail);
        return SendAsync(upload, uploader, $"{upload.Source} {upload.Version} {build.Architecture} ({upload.Product}): {result}", body.ToString(),
            $"{upload.Id} {build.Architecture} attempt {build.Attempt} {build.Outcome}");
    }

    /// <summary>What a send of this flow composed, for the upload's record of its mails (set before the mail server is reached).</summary>
    public sealed class MailTrace
    {
        public IReadOnlyList<string> To { get; set; } = [];
        public IReadOnlyList<string> Cc { get; set; } = [];
        /// <summary>Null: nothing was composed (nobody to tell).</summary>
        public string? Subject { get; set; }
    }

    // The calling grain's trace: an AsyncLocal, so the Send* methods keep their signatures and
    // concurrent uploads (one mailer for all) each see their own.
    private static readonly AsyncLocal<MailTrace?> Current = new();

    /// <summary>Starts a trace for the sends that follow in this flow.</summary>
    public static MailTrace Trace() => Current.Value = new MailTrace();

    /// <param name="eventKey">What happened, once per event: a mail sent again for it (after a crash) gets the same Message-Id.</param>
    private Task SendAsync(UploadSummary upload, Recipient uploader, string subject, string body, string eventKey)
    {
        var to = new List<string>();
        if (uploader.Address is { Length: > 0 } address)
            to.Add(address);
        var cc = new List<string>();
        if (settings.Value.BuildsList is { Length: > 0 } list)
            (to.Count == 0 ? to : cc).Add(list);
        if (Current.Value is { } trace && to.Count > 0)
        {
            trace.To = to;
            trace.Cc = cc;
            trace.Subject = subject;
        }
        // Nobody to tell (no Maintainer, no list configured): the history still has the reason.
        if (to.Count == 0)
            return Task.CompletedTask;
        return sender.SendAsync(new MailMessage
        {
            To = to,
            Cc = cc,
            Subject = subject,
            Body = body,
            Headers = new Dictionary<string, string> { ["X-Autobuilder-Upload"] = upload.Id },
            EventKey = eventKey,
        }, CancellationToken.None);
    }

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => "  " + l));
}
