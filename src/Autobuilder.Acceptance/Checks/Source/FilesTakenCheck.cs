namespace Autobuilder.Acceptance.Checks;

/// <summary>
/// Intake took every file whole: what it found while taking them (a link, a FIFO, a device, a file
/// over the limits, a file that never came) is said as intake said it. Intake knows, so nothing it
/// refused is looked at again.
/// </summary>
public sealed class FilesTakenCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "files-taken";

    public override string Question => "Did intake take every file whole (regular files, within the limits, complete in time)?";

    public override CheckFlow Flow => CheckFlow.Gate;

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c) =>
        c.IntakeProblems is not { } problems
            ? Skip("intake runs on the garage; here the files are read from their folder (file-sums)")
            : Result([.. problems.Select(p => Rejection(c.DscFileName, "Files", null, null, p))]);
}
