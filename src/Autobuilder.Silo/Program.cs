using Autobuilder.Grains;
using Autobuilder.Silo.Dashboard;
using Autobuilder.Silo.Hosting;
using Autobuilder.Silo.Metrics;
using Autobuilder.Silo.HttpUpload;
using Autobuilder.Silo.Security;
using Autobuilder.Silo.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// autobuilder-silo [--config silo-config/all.json] [Section:Key=value …]
var configFile = new ConfigurationBuilder().AddCommandLine(args).Build()["config"]
    ?? Environment.GetEnvironmentVariable("AUTOBUILDER_CONFIG") ?? "silo-config/all.json";
if (!File.Exists(configFile))
{
    Console.Error.WriteLine($"autobuilder-silo: error: configuration file {configFile} not found (pass --config FILE)");
    return 2;
}

// The file, then the environment (AUTOBUILDER_Section__Key: containers and units set secrets and
// per-host values so), then the command line on top, so one value can be overridden for a run.
void AddSources(IConfigurationBuilder configuration)
{
    configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
    configuration.AddEnvironmentVariables("AUTOBUILDER_");
    configuration.AddCommandLine(args);
}

IHost host;
DataRootLock dataRootLock;
TimeSpan shutdownBound;
try
{
    var probe = new ConfigurationBuilder();
    AddSources(probe);
    var settings = probe.Build();
    // One silo per data root and one owner per port, settled before anything opens a file or a socket.
    dataRootLock = SiloExclusivity.Acquire(settings);
    shutdownBound = TimeSpan.FromSeconds(settings.GetValue("Autobuilder:ShutdownSeconds", 30.0));
    var dashboard = DashboardHosting.Settings(settings);
    var httpUpload = HttpUploadHosting.Options(settings);
    var webPages = WebHosting.Options(settings);
    var metrics = MetricsHosting.Options(settings);
    // The dashboard's pages and the HTTP upload are served by the garage (or the one silo of role
    // "all"): that silo is an ASP.NET Core application; the others are plain hosts with no HTTP listener.
    var garage = SiloIdentity.From(settings).Plays(SiloRoles.Garage);
    var serveDashboard = dashboard.Enabled && garage;
    var serveUpload = httpUpload.Enabled && garage;
    var servePages = webPages.Enabled && garage;
    // Metrics: every role, on a port of its own (docs/metrics.md).
    // The content root is the install folder, not the working directory: the host watches its
    // content root and every folder below it (configuration reload on change), and a silo started
    // from "/" (nsenter into a mount namespace; a service manager's default) walked the whole file
    // system before its first log line — minutes on a loaded machine, and an inotify watch per folder.
    var contentRoot = AppContext.BaseDirectory;
    WebApplicationBuilder? web = serveDashboard || serveUpload || servePages || metrics.Enabled
        ? WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot }) : null;
    IHostApplicationBuilder builder = web is not null ? web
        : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = contentRoot });
    AddSources(builder.Configuration);
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownBound);
    // One line when started: how long the start took and how much of it was JIT (docs/reliability.md).
    builder.Services.AddHostedService<StartupReport>();
    builder.UseOrleans(silo =>
    {
        silo.UseAutobuilderClustering(builder.Configuration);
        silo.AddPortOwnershipCheck(builder.Configuration);
        silo.AddAutobuilder(builder.Configuration);
        if (serveDashboard || ClusterHosting.UsesPostgres(builder.Configuration))
            silo.AddAutobuilderDashboard();
    });
    if (web is not null)
    {
        if (serveDashboard)
            web.ListenForDashboard(dashboard);
        // After UseOrleans: role "all" has made its CA by now, which issues the upload's certificate.
        if (serveUpload)
            web.ListenForHttpUpload(httpUpload, SiloSecurity.Folder(builder.Configuration));
        if (servePages)
        {
            // The pages link operators to the dashboard, which takes their login too.
            if (serveDashboard && webPages.DashboardUrl.Length == 0)
                webPages.DashboardUrl = $"http://{(dashboard.ListenAddress.Equals(System.Net.IPAddress.Any) ? "127.0.0.1" : dashboard.Address)}:{dashboard.Port}/{dashboard.Path.TrimStart('/')}";
            web.ListenForWeb(webPages, SiloSecurity.Folder(builder.Configuration));
        }
        if (metrics.Enabled)
            web.ListenForMetrics(metrics, garage);
        var app = web.Build();
        // The upload's own port first: its requests never reach the dashboard's middleware.
        if (serveUpload)
            app.MapHttpUpload(httpUpload);
        if (metrics.Enabled)
            app.MapMetrics(metrics);
        if (servePages)
            app.MapWeb(webPages);
        if (serveDashboard)
            app.MapAutobuilderDashboard(dashboard);
        host = app;
    }
    else
    {
        host = ((HostApplicationBuilder)builder).Build();
    }
}
catch (SiloExclusivityException ex)
{
    Console.Error.WriteLine($"autobuilder-silo: error: {ex.Message}");
    return 2;
}
catch (InvalidOperationException ex)
{
    // A configuration mistake (unknown role, no connection string, an open dashboard …): one line, not a stack trace.
    Console.Error.WriteLine($"autobuilder-silo: error: {configFile}: {ex.Message}");
    return 2;
}
// The host's stop waits for each service up to the bound; a thread stuck in a system call would
// still keep the process alive, so past the bound (and a little grace) it ends by itself.
host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping
    .Register(() => ShutdownWatchdog.Arm(shutdownBound + TimeSpan.FromSeconds(5)));
using (dataRootLock)
{
    try
    {
        await host.RunAsync();
    }
    catch (Exception ex) when (Find<SiloExclusivityException>(ex) is { } taken)
    {
        Console.Error.WriteLine($"autobuilder-silo: error: {taken.Message}");
        return 2;
    }
    catch (Exception ex) when (Find<Microsoft.Extensions.Options.OptionsValidationException>(ex) is { } invalid)
    {
        // A setting checked at start (AutobuilderOptionsValidator): the key and the reason, not a stack trace.
        Console.Error.WriteLine($"autobuilder-silo: error: {configFile}: {string.Join("; ", invalid.Failures)}");
        return 2;
    }
    catch (Exception) when (host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested)
    {
        // SIGTERM while starting: Orleans cancels its start and the host's start throws. A stop was
        // asked for and the silo stopped: that is a clean exit (an unhandled exception would abort, 134).
        Console.Error.WriteLine("autobuilder-silo: stopped while starting");
        return 0;
    }
}
return 0;

static T? Find<T>(Exception? ex) where T : Exception
{
    for (; ex is not null; ex = ex.InnerException)
    {
        if (ex is T found)
            return found;
        if (ex is AggregateException aggregate)
            return aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(f => f is not null);
    }
    return null;
}
