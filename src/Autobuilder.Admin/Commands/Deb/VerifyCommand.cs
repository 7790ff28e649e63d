using System.ComponentModel;
using Autobuilder.Acceptance;
using Autobuilder.Debian;
using Autobuilder.Debian.Deb;
using Autobuilder.Debian.Uploads;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Deb;

/// <summary>
/// <c>autobuilder deb verify FILE.dsc|FILE.changes [--stage]</c>: the garage's acceptance list on a
/// source upload (or with --stage the stage's on a .changes of built packages), run offline on the
/// files beside FILE. Checks that need a running autobuilder (its configuration, the account
/// directory, the accepted versions, a distribution's packages) are printed as skipped, with why.
/// Exit 0 when no check refused, 1 when one did, 2 when FILE itself cannot be read.
/// </summary>
public sealed class VerifyCommand : Command<VerifyCommand.Settings>
{
    public const int ProblemsFound = 1;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A .dsc, or a .changes; the files it names are looked for next to it.")]
        public string File { get; init; } = "";

        [CommandOption("--stage")]
        [Description("Check FILE.changes as the stage checks built packages (the .debs' control files, the .dsc with them) instead of as a source upload.")]
        public bool Stage { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var path = settings.File;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var name = Path.GetFileName(path);
        var extension = Path.GetExtension(path);
        if (extension is not (".dsc" or ".changes"))
            throw new DebianFormatException($"{path}: expected a .dsc or .changes file");
        if (settings.Stage && extension != ".changes")
            throw new ConsoleException($"{path}: --stage checks a .changes of built packages, not a .dsc");

        CheckRun run;
        int listed;
        if (settings.Stage)
        {
            var changes = ChangesFile.Load(path);
            var staged = StagedChanges.Read(name, changes, TakenFiles.Read(directory, changes.Files), directory, new DebControlReader());
            listed = changes.Files.Count;
            Console.WriteLine($"{name}: the stage's checks (a .changes of built packages)");
            run = AcceptanceLists.StageChanges.RunAsync(staged.ToContext(target: null, held: null)).GetAwaiter().GetResult();
        }
        else
        {
            var upload = extension == ".dsc" ? FromDsc(path, directory) : FromChanges(path, directory);
            listed = upload.ListedFiles.Count;
            Console.WriteLine($"{upload.DscFileName}: the garage's checks (a source upload{(upload.Changes is null ? "" : $" with {name}")})");
            run = AcceptanceLists.SourceUpload.RunAsync(upload).GetAwaiter().GetResult();
        }
        Print(run);

        var rejections = run.Rejections;
        if (rejections.Count > 0)
        {
            Console.Error.WriteLine($"autobuilder: {path}: {rejections.Count} problem(s) found");
            return ProblemsFound;
        }
        var skipped = run.Results.Count(r => r.Outcome.Skipped is not null);
        Console.WriteLine($"{path}: all {listed} files present, sizes and MD5/SHA-1/SHA-256 sums match; " +
            $"{run.Results.Count - skipped} checks passed, {skipped} need a running autobuilder (skipped)");
        return 0;
    }

    private static SourceUploadContext FromDsc(string path, string directory)
    {
        var dsc = DscFile.Load(path);
        return new SourceUploadContext { DscFileName = Path.GetFileName(path), Dsc = dsc, Taken = TakenFiles.Read(directory, dsc.Files) };
    }

    /// <summary>A source upload's .changes (dpkg-genchanges -S): the .dsc it names, and the sums of every file it lists.</summary>
    private static SourceUploadContext FromChanges(string path, string directory)
    {
        var changes = ChangesFile.Load(path);
        var dscs = changes.Files.Where(f => f.Name.EndsWith(".dsc", StringComparison.Ordinal)).ToList();
        if (dscs.Count != 1)
            throw new ConsoleException($"{path} names {dscs.Count} .dsc files; a source upload's .changes names one (for a .changes of built packages, add --stage)");
        var dscName = Debian.Safety.FileNames.Require(dscs[0].Name, $"{path}: the .dsc it names");
        DscFile? dsc = null;
        string? error = null;
        try
        {
            dsc = DscFile.Load(Path.Combine(directory, dscName));
        }
        catch (Exception ex) when (ex is DebianFormatException or IOException)
        {
            error = $"{dscName} cannot be read: {ex.Message.Replace(directory + "/", "")}";
        }
        var changesTaken = TakenFiles.Read(directory, changes.Files);
        var facts = new UploadChangesFacts(Path.GetFileName(path), changes.Source, changes.Version, changes.Architectures, changes.Files,
            changesTaken.Sums, changes.ChangedBy);
        return new SourceUploadContext
        {
            DscFileName = dscName,
            Dsc = dsc,
            DscError = error,
            Taken = dsc is null ? changesTaken : TakenFiles.Read(directory, dsc.Files),
            Changes = facts,
        };
    }

    private static void Print(CheckRun run)
    {
        foreach (var result in run.Results)
        {
            var outcome = result.Outcome;
            if (outcome.Skipped is { } why)
                Console.WriteLine($"  skipped   {result.Check}: {why}");
            else if (!outcome.IsRefused)
                Console.WriteLine($"  ok        {result.Check}");
            else
            {
                foreach (var r in outcome.Rejections)
                {
                    Console.WriteLine($"  REJECTED  {result.Check}: {r.Reason}");
                    Console.WriteLine($"            file {Show(r.File)}, field {Show(r.Field)}, expected {Show(r.Expected)}, found {Show(r.Found)}");
                }
            }
        }
        foreach (var check in run.NotRun)
            Console.WriteLine($"  not run   {check} (an earlier check refused)");
    }

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "-" : value;
}
