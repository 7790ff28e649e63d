using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;

namespace Autobuilder.Silo.Dashboard;

/// <summary>The Orleans dashboard inside the silo process: its grain services on every silo, its web pages on the garage.</summary>
public static class DashboardHosting
{
    public static DashboardSettings Settings(IConfiguration configuration)
    {
        var settings = configuration.GetSection(DashboardSettings.Section).Get<DashboardSettings>() ?? new DashboardSettings();
        if (settings.Problem() is { } problem)
            throw new InvalidOperationException(problem);
        return settings;
    }

    /// <summary>
    /// The dashboard's silo side (statistics, grain profiler). Every silo of a cluster has it, so
    /// the garage's pages can show them all; a lone silo only when it serves the pages itself.
    /// </summary>
    public static void AddAutobuilderDashboard(this ISiloBuilder silo) => silo.AddDashboard();

    /// <summary>Kestrel on the configured address only; requests must name one of the allowed hosts (no DNS rebinding from a browser).</summary>
    public static void ListenForDashboard(this WebApplicationBuilder web, DashboardSettings settings)
    {
        web.Services.AddSingleton(settings);
        web.WebHost.ConfigureKestrel(k => k.Listen(settings.ListenAddress, settings.Port));
        web.Services.Configure<HostFilteringOptions>(o =>
        {
            o.AllowedHosts = [.. settings.Hosts()];
            o.AllowEmptyHosts = false;
        });
    }

    /// <summary>Host filtering, then authentication on every request, whatever the address.</summary>
    public static void MapAutobuilderDashboard(this WebApplication app, DashboardSettings settings)
    {
        app.UseHostFiltering();
        app.UseMiddleware<BasicAuthentication>();
        app.MapOrleansDashboard(settings.Path.Length > 0 ? settings.Path : null);
    }
}
