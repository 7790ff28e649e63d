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
builder.Configuration.AddCommandLine(args);
builder.UseOrleans(silo =>
{
    silo.UseSingleHostClustering(builder.Configuration);
    silo.AddAutobuilder(builder.Configuration);
});
await builder.Build().RunAsync();
return 0;
