namespace Autobuilder.Grains.Uploads;

public sealed partial class UploadGrain
{
    /// <summary>Most mails one upload records (a build per architecture per attempt, a rejection, a publication: far below).</summary>
    private const int MailsKept = 100;

    /// <summary>
    /// Records a try of a mail: a retry of the same kind and subject that was not sent yet counts as
    /// another try of the same mail, anything else is a new entry. Written with the upload's next write.
    /// </summary>
    private void RecordMail(string kind, UploadMailer.MailTrace trace, string result)
    {
        var now = time.GetUtcNow();
        var subject = trace.Subject ?? "";
        var index = S.Mails.FindLastIndex(m => m.Kind == kind && m.Subject == subject && m.Result.StartsWith("not sent", StringComparison.Ordinal));
        if (index >= 0)
            S.Mails[index] = S.Mails[index] with { To = trace.To, Cc = trace.Cc, LastTriedAt = now, Attempts = S.Mails[index].Attempts + 1, Result = result };
        else
            S.Mails.Add(new UploadMail(kind, trace.To, trace.Cc, subject, now, now, 1, result));
        if (S.Mails.Count > MailsKept)
            S.Mails.RemoveRange(0, S.Mails.Count - MailsKept);
    }
}
