using System.ComponentModel;
using Autobuilder.Debian;
using Autobuilder.Debian.Uploads;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Deb;

/// <summary><c>autobuilder deb verify FILE.dsc|FILE.changes</c>: exit 0 only when every named file is present and intact.</summary>
public sealed class VerifyCommand : Command<VerifyCommand.Settings>
{
    public const int ProblemsFound = 1;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A .dsc or .changes file; the files it names are looked for next to it.")]
        public string File { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var path = settings.File;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var files = Path.GetExtension(path) switch
        {
            ".dsc" => DscFile.Load(path).Files,
            ".changes" => ChangesFile.Load(path).Files,
            _ => throw new DebianFormatException($"{path}: expected a .dsc or .changes file"),
        };
        var problems = UploadFileVerifier.Verify(files, directory, Path.GetFileName(path));
        foreach (var p in problems)
            Console.WriteLine(p.Message);
        if (problems.Count > 0)
        {
            Console.Error.WriteLine($"autobuilder: {path}: {problems.Count} problem(s) found");
            return ProblemsFound;
        }
        Console.WriteLine($"{path}: all {files.Count} files present, sizes and MD5/SHA-1/SHA-256 sums match");
        return 0;
    }
}
