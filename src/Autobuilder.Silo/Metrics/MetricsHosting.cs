using System.Net;
using Autobuilder.Grains.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Autobuilder.Silo.Metrics;

/// <summary>
/// OpenTelemetry metrics of one silo — the autobuilder's meter and Orleans' own — served for
/// Prometheus on the silo's metrics port (docs/metrics.md). Its own Kestrel endpoint and its own
/// branch of the pipeline, chosen by the local port as the pages' is, so nothing else answers there.
/// </summary>
public static class MetricsHosting
{
    /// <summary>Orleans' meter (grain calls, activations, messaging, membership).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public const string Path = "/metrics";

    public static MetricsOptions Options(IConfiguration configuration)
    {
        var options = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        if (options.Problem() is { } problem)
            throw new InvalidOperationException(problem);
        return options;
    }

    /// <summary>
    /// The meters, the exporter and the endpoint. <paramref name="garage"/>: this silo also polls the
    /// distributions' remote-sync state (one call every <c>RemoteSyncPollSeconds</c>) for its gauge.
    /// </summary>
    public static void ListenForMetrics(this WebApplicationBuilder web, MetricsOptions options, bool garage)
    {
        // Touch the meter so its gauges exist before the first scrape.
        _ = AutobuilderMetrics.Meter;
        web.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(options.Address), options.Port));
        web.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AutobuilderMetrics.MeterName, OrleansMeter)
            .AddPrometheusExporter());
        if (garage)
        {
            web.Services.AddSingleton(options);
            web.Services.AddHostedService<RemoteSyncPoller>();
        }
    }

    /// <summary>Requests to the metrics port get GET /metrics and nothing else; call before the dashboard's middleware.</summary>
    public static void MapMetrics(this WebApplication app, MetricsOptions options)
    {
        var hosts = new HashSet<string>(["127.0.0.1", "localhost", "[::1]", options.Address, .. options.HostNames], StringComparer.OrdinalIgnoreCase);
        app.MapWhen(context => context.Connection.LocalPort == options.Port, branch =>
        {
            branch.Use(async (context, next) =>
            {
                if (!hosts.Contains(context.Request.Host.Host))
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.Response.WriteAsync($"unknown host name '{context.Request.Host.Host}' ({MetricsOptions.Section}:HostNames)\n");
                    return;
                }
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                {
                    context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                    context.Response.Headers.Allow = "GET, HEAD";
                    return;
                }
                context.Response.Headers.XContentTypeOptions = "nosniff";
                // The web host's own routing ran first and may have chosen another endpoint: forget it.
                context.SetEndpoint(null);
                await next(context);
            });
            branch.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == Path);
            branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsync($"only {Path} is served here\n");
            });
        });
    }
}
