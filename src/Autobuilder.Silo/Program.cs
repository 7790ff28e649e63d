using Autobuilder.Silo.Cluster;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

// autobuilder-silo [--config silo-config/all.json] [Section:Key=value …]
var builder = Host.CreateApplicationBuilder(args);
var configFile = builder.Configuration["config"] ?? Environment.GetEnvironmentVariable("AUTOBUILDER_CONFIG") ?? "silo-config/all.json";
if (!File.Exists(configFile))
{
    Console.Error.WriteLine($"autobuilder-silo: error: configuration file {configFile} not found (pass --config FILE)");
    return 2;
}
// The file, then the command line again on top, so one value can be overridden for a run.
builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
// Containers and units set secrets and per-host values as AUTOBUILDER_Section__Key (e.g. the database password).
builder.Configuration.AddEnvironmentVariables("AUTOBUILDER_");
builder.Configuration.AddCommandLine(args);
IHost host;
try
{
    builder.UseOrleans(silo =>
    {
        silo.UseAutobuilderClustering(builder.Configuration);
        silo.AddAutobuilder(builder.Configuration);
    });
    host = builder.Build();
}
catch (InvalidOperationException ex)
{
    // A configuration mistake (unknown role, no connection string …): one line, not a stack trace.
    Console.Error.WriteLine($"autobuilder-silo: error: {configFile}: {ex.Message}");
    return 2;
}
await host.RunAsync();
return 0;
