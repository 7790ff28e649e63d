using Autobuilder.Grains.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Autobuilder.Silo.Web;

/// <summary>
/// A host with the web pages and the API, built as Program.cs builds the garage's: for tests that
/// host a silo in their own process (its grains on a movable clock) and drive its pages.
/// </summary>
public static class WebSiloHost
{
    public static IHost Build(WebOptions web, string certificatesFolder, Action<IHostApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateBuilder();
        configure(builder);
        builder.ListenForWeb(web, certificatesFolder);
        var app = builder.Build();
        app.MapWeb(web);
        return app;
    }
}
