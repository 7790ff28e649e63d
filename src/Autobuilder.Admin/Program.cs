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
        deb.AddCommand<VerifyCommand>("verify")
            .WithDescription("Check every file a .dsc or .changes names: size, MD5, SHA-1, SHA-256.")
            .WithExample("deb", "verify", "hello_2.10-3.dsc");
    });
});
return ConsoleErrors.Run(() => app.Run(args));
