using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
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

    /// <summary>Kestrel on the configured address only, and the dashboard's pages behind basic authentication when configured.</summary>
    public static void ListenForDashboard(this WebApplicationBuilder web, DashboardSettings settings)
    {
        web.Services.AddSingleton(settings);
        web.WebHost.ConfigureKestrel(k => k.Listen(settings.ListenAddress, settings.Port));
    }

    public static void MapAutobuilderDashboard(this WebApplication app, DashboardSettings settings)
    {
        if (settings.RequiresAuthentication)
            app.UseMiddleware<BasicAuthentication>();
        app.MapOrleansDashboard(settings.Path.Length > 0 ? settings.Path : null);
    }
}
