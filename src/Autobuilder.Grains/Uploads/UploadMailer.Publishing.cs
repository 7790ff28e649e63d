using System.Text;

namespace Autobuilder.Grains.Uploads;

/// <summary>The mail that ends a built upload's walk: where it was published, or why the stage refused it.</summary>
public sealed partial class UploadMailer
{
    public Task SendPublicationAsync(UploadSummary upload, Recipient uploader, IReadOnlyList<OfferAnswer> answers)
    {
        var refused = answers.Where(a => !a.Published).ToList();
        var body = new StringBuilder();
        if (refused.Count == 0)
        {
            body.AppendLine($"{upload.Source} {upload.Version} for {upload.Product} was published:").AppendLine();
            foreach (var a in answers)
                body.AppendLine($"  published in {a.Distribution}, generation {a.Generation} (live at {a.LiveAt:u})");
        }
        else
        {
            body.AppendLine($"{upload.Source} {upload.Version} for {upload.Product} was built, but the archive REJECTED it.").AppendLine();
            foreach (var a in refused)
            {
                body.AppendLine($"{a.Distribution} refused it:").AppendLine(Indent(string.Join("\n", a.Reasons)));
                if (a.RejectedFolder is { Length: > 0 } folder)
                    body.AppendLine($"  (the files were kept on the stage host in {folder})");
                body.AppendLine();
            }
            foreach (var a in answers.Where(a => a.Published))
                body.AppendLine($"It was published in {a.Distribution}, generation {a.Generation}.");
            body.AppendLine("Fix the problem and upload again with a new version.");
        }
        body.AppendLine().AppendLine($"Upload id: {upload.Id}");
        if (uploader.Verified.Length > 0)
            body.AppendLine(uploader.Verified);
        var result = refused.Count == 0 ? $"published in {string.Join(", ", answers.Select(a => a.Distribution))}" : "REJECTED by the archive";
        return SendAsync(upload, uploader, $"{upload.Source} {upload.Version} ({upload.Product}): {result}", body.ToString(),
            $"{upload.Id} offered: {string.Join(", ", answers.Select(a => $"{a.Distribution} {(a.Published ? "published" : "refused")}"))}");
    }
}
