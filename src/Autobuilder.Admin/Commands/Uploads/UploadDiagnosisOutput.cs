using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary>A failed build's diagnosis as <c>uploads show</c> prints it: the error lines, then the diff against the last good build.</summary>
public static class UploadDiagnosisOutput
{
    public static void Write(string architecture, BuildDiagnosis diagnosis)
    {
        Console.WriteLine();
        if (diagnosis.ErrorLines.Count > 0)
        {
            Console.WriteLine($"Errors in the {architecture} log:");
            foreach (var line in diagnosis.ErrorLines)
                Console.WriteLine($"  {line}");
            if (diagnosis.OmittedErrorLines > 0)
                Console.WriteLine($"  ({diagnosis.OmittedErrorLines} more in the full log: autobuilder uploads log ID --arch {architecture})");
        }
        if (diagnosis.Diff is { Length: > 0 } diff)
        {
            Console.WriteLine($"Against the last good build ({diagnosis.DiffAgainst}):");
            Console.WriteLine(diff.TrimEnd('\n'));
        }
        if (diagnosis.Note is { Length: > 0 } note)
            Console.WriteLine(note);
    }
}
