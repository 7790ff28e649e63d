namespace Autobuilder.Acceptance.Checks;

/// <summary>
/// Every listed file was taken, is a regular file, has the listed size and the listed MD5, SHA-1
/// and SHA-256 (a SHA-256 must be listed: MD5 alone is not trusted). Compared with the sums of the
/// bytes taken, so no file is read twice.
/// </summary>
public sealed class FileSumsCheck : AcceptanceCheck<IControlFileFacts>
{
    public override string Name => "file-sums";

    public override string Question => "Is every listed file there, a regular file, of the listed size and sums?";

    public override Task<CheckOutcome> CheckAsync(IControlFileFacts c) =>
        Result([.. c.Taken.Verify(c.ListedFiles, c.ControlFileName)
            .Select(p => Rejection(p.FileName, p.Field, p.Expected, p.Actual, p.Message))]);
}
