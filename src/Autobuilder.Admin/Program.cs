using Autobuilder.Admin;
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
    });
});
return ConsoleErrors.Run(() => app.Run(args));
