using Autobuilder.Grains.Builds;
using Autobuilder.Grains.Options;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.BuildSources;

public static class BuildSourcesServiceCollectionExtensions
{
    public static void AddAutobuilderBuildSources(this IServiceCollection services, SiloIdentity identity, IConfiguration configuration)
    {
        if (identity.Plays(SiloRoles.Garage))
            services.AddSingleton(sp => new BuildSourcePlan(sp.GetRequiredService<IOptions<AutobuilderOptions>>().Value, sp.GetRequiredService<StageConfiguration>()));
        if (identity.Plays(SiloRoles.Stage) && configuration.GetValue("Autobuilder:BuildSources:Serve", true))
            services.AddSingleton<LiveTreeServer>();
        if (identity.Plays(SiloRoles.Builder))
            services.AddSingleton(sp => new BuildSourceLocator(sp.GetRequiredService<StageConfiguration>(),
                sp.GetRequiredService<IOptions<AutobuilderOptions>>(), sp.GetService<LiveTreeServer>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, BuildSourcesStartup>();
    }
}
