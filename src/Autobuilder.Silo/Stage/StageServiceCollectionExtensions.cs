using Autobuilder.Debian.Deb;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Incoming;
using Autobuilder.Grains.Stage.Journal;
using Autobuilder.Grains.Stage.Pool;
using Autobuilder.Grains.Stage.Publishing;
using Autobuilder.Silo.Stage.Incoming;
using Autobuilder.Silo.Stage.Journal;
using Autobuilder.Silo.Stage.LiveTree;
using Autobuilder.Silo.Stage.Pool;
using Autobuilder.Silo.Stage.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Stage;

/// <summary>The stage role's services: repositories, their queue, pool, journal and publisher.</summary>
public static class StageServiceCollectionExtensions
{
    public static IServiceCollection AddAutobuilderStage(this IServiceCollection services)
    {
        services.AddSingleton(sp => new StageConfiguration(sp.GetRequiredService<IOptions<AutobuilderOptions>>().Value));
        services.AddSingleton<StageFolders>();
        // The .deb reader is one interface method, so the full reader can replace this one without other changes.
        services.AddSingleton<IDebControlReader, DebControlReader>();
        services.AddSingleton<IPackageJournal, PackageJournal>();
        services.AddSingleton<IStageIncoming, StageIncoming>();
        services.AddSingleton<IOfferedFiles, OfferedFiles>();
        services.AddSingleton<IRepositoryPool, RepositoryPool>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<LocalLiveTree>();
        services.AddSingleton<RsyncLiveTree>();
        services.AddSingleton<IDistributionPublisher, DistributionPublisher>();
        services.AddSingleton<RepoIncomingService>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RepoIncomingService>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StageStartup>();
        return services;
    }
}
