using System.ComponentModel;
using Autobuilder.Debian.Versions;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Deb;

/// <summary>
/// <c>autobuilder deb compare-versions A RELATION B</c>: a stand-in for <c>dpkg --compare-versions</c>
/// with its relations and exit codes: 0 true, 1 false, 2 for an unknown relation or a version dpkg
/// refuses. Like dpkg, versions it only warns about are compared anyway.
/// </summary>
public sealed class CompareVersionsCommand : Command<CompareVersionsCommand.Settings>
{
    public const int True = 0;
    public const int False = 1;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<A>")]
        [Description("A version; \"\" or \"<unknown>\" is an empty version.")]
        public string Left { get; init; } = "";

        [CommandArgument(1, "<RELATION>")]
        [Description("lt le eq ne ge gt, lt-nl le-nl ge-nl gt-nl (empty version is newest), << <= = >= >>, obsolete < >.")]
        public string Relation { get; init; } = "";

        [CommandArgument(2, "<B>")]
        [Description("A version; \"\" or \"<unknown>\" is an empty version.")]
        public string Right { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // dpkg checks the relation before the versions; so do we, so the same error wins.
        var relation = VersionRelation.Parse(settings.Relation);
        if (relation.IsObsolete)
            Warn($"relation '{relation.Name}' is obsolete (it means {relation.Name}=); dpkg warns about it too");
        var left = Operand(settings.Left);
        var right = Operand(settings.Right);
        return relation.Holds(left, right) ? True : False;
    }

    // dpkg src/main/enquiry.c cmpversions(): "" and "<unknown>" are the empty version.
    private static DebianVersion? Operand(string text)
    {
        if (text is "" or "<unknown>")
            return null;
        var version = DebianVersion.ParseLikeDpkg(text, out var warning);
        if (warning is not null)
            Warn($"{warning}; comparing it anyway, as dpkg does");
        return version;
    }

    private static void Warn(string message) =>
        Console.Error.WriteLine($"autobuilder: warning: {message.ReplaceLineEndings(" ")}");
}
