using Autobuilder.Admin;
using Autobuilder.Admin.Commands.Deb;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("autobuilder");
    // We print errors ourselves: one line on stderr, no stack trace for bad input.
    config.PropagateExceptions();
    config.AddBranch("deb", deb =>
    {
        deb.SetDescription("Debian-format tools: versions, indices, upload checks.");
        deb.AddCommand<CompareVersionsCommand>("compare-versions")
            .WithDescription("Like dpkg --compare-versions: exit 0 if 'A RELATION B' holds, 1 if not, 2 on bad input.")
            .WithExample("deb", "compare-versions", "1.0~rc1-1", "lt", "1.0-1");
    });
});
return ConsoleErrors.Run(() => app.Run(args));
