using Autobuilder.Grains.Uploads;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autobuilder.Silo.Uploads;

public static class UploadIndexServiceCollectionExtensions
{
    /// <summary>
    /// The uploads' read model beside the grain state: PostgreSQL in a cluster, state/uploads.sqlite
    /// in the data root in role "all".
    /// </summary>
    public static IServiceCollection AddAutobuilderUploadIndex(this IServiceCollection services, IConfiguration configuration)
    {
        if (ClusterHosting.UsesPostgres(configuration))
        {
            var connection = ClusterHosting.ClusterOptions(configuration).ConnectionString;
            services.AddSingleton<IUploadIndex>(sp => new DatabaseUploadIndex(new PostgresUploadIndex(connection), sp.GetRequiredService<ILogger<DatabaseUploadIndex>>()));
        }
        else
        {
            services.AddSingleton<IUploadIndex>(sp => new SqliteUploadIndex(Path.Combine(sp.GetRequiredService<DataPaths>().State, "uploads.sqlite")));
        }
        // Every upload ever taken can be read by id (its page, the API): its grain leaves memory after
        // Autobuilder:UploadMemory:IdleMinutes unused, so reading many old uploads leaves few resident.
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<AutobuilderOptions>>((o, autobuilder) =>
            o.ClassSpecificCollectionAge[typeof(UploadGrain).FullName!] = TimeSpan.FromMinutes(autobuilder.Value.UploadMemory.IdleMinutes));
        return services;
    }
}
