using Autobuilder.Grains.Builds;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Silo.BuildSources;

/// <summary>
/// At silo start: the build-source plan is checked (a repository that is not configured fails the
/// start, naming it), and on a stage silo the live-tree server starts before any build can ask for it.
/// </summary>
public sealed class BuildSourcesStartup(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BuildSourcesStartup), ServiceLifecycleStage.RuntimeInitialize, _ =>
        {
            services.GetService<BuildSourcePlan>();
            services.GetService<LiveTreeServer>()?.Start();
            return Task.CompletedTask;
        }, async _ =>
        {
            if (services.GetService<LiveTreeServer>() is { } server)
                await server.DisposeAsync();
        });
}
