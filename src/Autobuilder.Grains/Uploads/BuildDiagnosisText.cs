using System.Text;

namespace Autobuilder.Grains.Uploads;

/// <summary>The failure diagnosis as it reads in a result mail: error lines first, then the diff against the last good build.</summary>
public static class BuildDiagnosisText
{
    public static void AppendTo(StringBuilder body, BuildDiagnosis? diagnosis)
    {
        if (diagnosis is null)
            return;
        if (diagnosis.ErrorLines.Count > 0)
        {
            body.AppendLine("Error lines found in the log:");
            foreach (var line in diagnosis.ErrorLines)
                body.AppendLine("  " + line);
            if (diagnosis.OmittedErrorLines > 0)
                body.AppendLine($"  ({diagnosis.OmittedErrorLines} more error line(s) in the full log)");
            body.AppendLine();
        }
        if (diagnosis.Diff is { Length: > 0 } diff)
        {
            body.AppendLine($"What changed against the last good build ({diagnosis.DiffAgainst}), around the errors:")
                .AppendLine(diff.TrimEnd('\n'))
                .AppendLine();
        }
        if (diagnosis.Note is { Length: > 0 } note)
            body.AppendLine(note).AppendLine();
    }
}
