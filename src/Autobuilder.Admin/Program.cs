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
        deb.AddCommand<ScanCommand>("scan")
            .WithDescription("Print a Packages index for every .deb under DIR, like 'apt-ftparchive packages DIR'.")
            .WithExample("deb", "scan", "pool")
            .WithExample("deb", "scan", "pool", "--cache", "pool.scancache");
    });
});
return ConsoleErrors.Run(() => app.Run(args));
