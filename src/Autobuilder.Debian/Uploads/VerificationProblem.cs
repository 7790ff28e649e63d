namespace Autobuilder.Debian.Uploads;

/// <summary>
/// One thing wrong with the files of an upload: which file, which field, what was expected and
/// what was found. <see cref="Message"/> is the sentence shown to the uploader.
/// </summary>
public sealed record VerificationProblem(string FileName, string Field, string? Expected, string? Actual, string Message)
{
    public override string ToString() => Message;
}
