using Autobuilder.Debian.Safety;

namespace Autobuilder.Acceptance.Checks;

/// <summary>Every file the control file lists has a plain, safe name, and it lists at least one: checked before any file is looked for.</summary>
public sealed class FileNamesCheck : AcceptanceCheck<IControlFileFacts>
{
    public override string Name => "file-names";

    public override string Question => "Does it list files, each by a plain name that cannot leave its folder?";

    public override CheckFlow Flow => CheckFlow.Gate;

    public override Task<CheckOutcome> CheckAsync(IControlFileFacts c)
    {
        if (c.ListedFiles.Count == 0)
            return Reject(c.ControlFileName, "Files", "at least one file", "none", $"{c.ControlFileName}: names no files");
        return Result([.. c.ListedFiles
            .Select(f => (File: f, Why: FileNames.Problem(f.Name)))
            .Where(p => p.Why is not null)
            .Select(p => Rejection(FileNames.Printable(p.File.Name), "Files", "a plain file name", FileNames.Printable(p.File.Name),
                $"{c.ControlFileName}: unsafe file name: {p.Why}"))]);
    }
}
