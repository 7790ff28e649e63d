using Autobuilder.Admin;
using Autobuilder.Admin.Commands.Builders;
using Autobuilder.Admin.Commands.Cluster;
using Autobuilder.Admin.Commands.Db;
using Autobuilder.Admin.Commands.Deb;
using Autobuilder.Admin.Commands.Status;
using Autobuilder.Admin.Commands.Uploads;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("autobuilder");
    // We print errors ourselves: one line on stderr, no stack trace for bad input.
    config.PropagateExceptions();
    config.AddCommand<StatusCommand>("status")
        .WithDescription("Uploads, builds and slots at a glance.")
        .WithExample("status");
    config.AddCommand<UploadCommand>("upload")
        .WithDescription("Copy a .dsc and the files it names into incoming (instead of scp or dput).")
        .WithExample("upload", "examples/hello-autobuilder_1.0-1.dsc", "--product", "bookworm");
    config.AddCommand<QueueCommand>("queue")
        .WithDescription("Builds running and waiting, in the order slots get them.")
        .WithExample("queue", "--json");
    config.AddBranch("uploads", uploads =>
    {
        uploads.SetDescription("Uploads and their histories.");
        uploads.AddCommand<UploadsListCommand>("list")
            .WithDescription("The newest uploads and their states.")
            .WithExample("uploads", "list", "--limit", "20");
        uploads.AddCommand<UploadsShowCommand>("show")
            .WithDescription("One upload: its builds and every transition with time and reason.")
            .WithExample("uploads", "show", "bookworm/hello_1.0-1/1");
        uploads.AddCommand<UploadsRetryCommand>("retry")
            .WithDescription("Build a failed or dep-wait upload again.")
            .WithExample("uploads", "retry", "bookworm/hello_1.0-1/1");
    });
    config.AddBranch("builders", builders =>
    {
        builders.SetDescription("Builder slots (host/user pairs).");
        builders.AddCommand<BuildersListCommand>("list")
            .WithDescription("Each slot's state, build, architectures, heartbeat and failures.")
            .WithExample("builders", "list");
    });
    config.AddBranch("cluster", cluster =>
    {
        cluster.SetDescription("The silos of the autobuilder.");
        cluster.AddCommand<ClusterStatusCommand>("status")
            .WithDescription("Every silo with its role, host, status and grain counts.")
            .WithExample("cluster", "status", "--cluster", "Host=db;Database=autobuilder;Username=autobuilder");
    });
    config.AddBranch("db", db =>
    {
        db.SetDescription("The cluster's PostgreSQL database.");
        db.AddCommand<DbInitCommand>("init")
            .WithDescription("Create or update the schema (membership, grain state, reminders); running it again changes nothing.")
            .WithExample("db", "init", "--connection", "Host=db;Database=autobuilder;Username=autobuilder");
    });
    config.AddBranch("deb", deb =>
    {
        deb.SetDescription("Debian-format tools: versions, indices, upload checks.");
        deb.AddCommand<CompareVersionsCommand>("compare-versions")
            .WithDescription("Like dpkg --compare-versions: exit 0 if 'A RELATION B' holds, 1 if not, 2 on bad input.")
            .WithExample("deb", "compare-versions", "1.0~rc1-1", "lt", "1.0-1");
        deb.AddCommand<VerifyCommand>("verify")
            .WithDescription("Check every file a .dsc or .changes names: size, MD5, SHA-1, SHA-256.")
            .WithExample("deb", "verify", "hello_2.10-3.dsc");
        deb.AddCommand<ScanCommand>("scan")
            .WithDescription("Print a Packages index for every .deb under DIR, like 'apt-ftparchive packages DIR'.")
            .WithExample("deb", "scan", "pool")
            .WithExample("deb", "scan", "pool", "--cache", "pool.scancache");
    });
});
return ConsoleErrors.Run(() => app.Run(args));
